/**
 * The samples a benchmark scores: all of a subset, or `count` of them drawn with a seeded
 * generator so the same seed picks the same samples on every run and every machine.
 * Returned in ascending order, so data is read front to back.
 */
export function selectSamples(length: number, count: number | undefined, seed: number): number[] {
  if (count === undefined || count >= length) return Array.from({ length }, (_, i) => i);
  const random = seededRandom(seed);
  const pool = Array.from({ length }, (_, i) => i);
  // Partial Fisher–Yates: the first `count` slots end up a uniform sample without replacement.
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count).sort((a, b) => a - b);
}

/** mulberry32: a small, well-distributed 32-bit PRNG, deterministic across platforms (integer arithmetic only). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
