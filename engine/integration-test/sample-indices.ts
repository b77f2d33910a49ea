/**
 * `count` sample indices spread evenly over `0..length-1`, first and last included, so the
 * integration test sees the whole subset and not only its head. All indices when
 * `count >= length`.
 */
export function spreadIndices(length: number, count: number): number[] {
  if (count >= length) return Array.from({ length }, (_, i) => i);
  if (count <= 0) return [];
  if (count === 1) return [0];
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(Math.round((i * (length - 1)) / (count - 1)));
  return out;
}
