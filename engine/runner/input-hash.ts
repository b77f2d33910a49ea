import type { AnyTensorArray } from '../inference/dtypes';

/** Hashes a sample's encoded inputs: 16 hex digits, equal when the model saw equal bytes. */
export type InputHasher = (inputs: ReadonlyMap<string, AnyTensorArray>) => string;

/**
 * The inputs' bytes in binding order, hashed with XXH32 under two seeds (64 bits). It only has
 * to tell whether two runs fed a sample the same data, and runs once per sample beside the
 * model: sha256 costs ~4x more per sample, and the WebAssembly XXH64 packages reserve ~10 GB
 * of address space per instance, which breaks runs under a virtual memory limit (ulimit -v).
 */
export function createInputHasher(order: readonly string[]): InputHasher {
  if (order.length === 1) {
    const [name] = order;
    return (inputs) => hex64(bytesOf(inputs.get(name!)!));
  }
  return (inputs) => {
    const parts = order.map((name) => bytesOf(inputs.get(name)!));
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      all.set(part, at);
      at += part.length;
    }
    return hex64(all);
  };
}

function bytesOf(value: AnyTensorArray): Uint8Array {
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

const P1 = 0x9e3779b1 | 0;
const P2 = 0x85ebca77 | 0;
const P3 = 0xc2b2ae3d | 0;
const P4 = 0x27d4eb2f | 0;
const P5 = 0x165667b1 | 0;
/** The second seed; any constant other than 0 would do. */
const SEED_B = P1;

const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));
const round = (acc: number, word: number) => Math.imul(rotl((acc + Math.imul(word, P2)) | 0, 13), P1);

function hex64(bytes: Uint8Array): string {
  const [a, b] = xxh32Pair(bytes);
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** XXH32 of `bytes` with seeds 0 and SEED_B in one pass (the reference algorithm, little-endian words). */
export function xxh32Pair(bytes: Uint8Array): [number, number] {
  // Whole 32-bit words are read through an Int32Array, which needs an aligned offset.
  const data = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const words = new Int32Array(data.buffer, data.byteOffset, data.length >>> 2);
  const length = data.length;
  let i = 0;
  let ha: number;
  let hb: number;
  if (length >= 16) {
    let a1 = (P1 + P2) | 0;
    let a2 = P2;
    let a3 = 0;
    let a4 = -P1 | 0;
    let b1 = (SEED_B + P1 + P2) | 0;
    let b2 = (SEED_B + P2) | 0;
    let b3 = SEED_B;
    let b4 = (SEED_B - P1) | 0;
    const stripes = length >>> 4;
    for (; i < stripes * 4; i += 4) {
      const w1 = words[i]!;
      const w2 = words[i + 1]!;
      const w3 = words[i + 2]!;
      const w4 = words[i + 3]!;
      a1 = round(a1, w1);
      a2 = round(a2, w2);
      a3 = round(a3, w3);
      a4 = round(a4, w4);
      b1 = round(b1, w1);
      b2 = round(b2, w2);
      b3 = round(b3, w3);
      b4 = round(b4, w4);
    }
    ha = (rotl(a1, 1) + rotl(a2, 7) + rotl(a3, 12) + rotl(a4, 18)) | 0;
    hb = (rotl(b1, 1) + rotl(b2, 7) + rotl(b3, 12) + rotl(b4, 18)) | 0;
  } else {
    ha = P5;
    hb = (SEED_B + P5) | 0;
  }
  ha = (ha + length) | 0;
  hb = (hb + length) | 0;
  for (; i < words.length; i++) {
    ha = Math.imul(rotl((ha + Math.imul(words[i]!, P3)) | 0, 17), P4);
    hb = Math.imul(rotl((hb + Math.imul(words[i]!, P3)) | 0, 17), P4);
  }
  for (let j = i * 4; j < length; j++) {
    ha = Math.imul(rotl((ha + Math.imul(data[j]!, P5)) | 0, 11), P1);
    hb = Math.imul(rotl((hb + Math.imul(data[j]!, P5)) | 0, 11), P1);
  }
  return [avalanche(ha), avalanche(hb)];
}

function avalanche(h: number): number {
  h = Math.imul(h ^ (h >>> 15), P2);
  h = Math.imul(h ^ (h >>> 13), P3);
  return (h ^ (h >>> 16)) >>> 0;
}
