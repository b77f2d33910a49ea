const DIGIT_BITS = 11;
const DIGITS = 1 << DIGIT_BITS;
const SIGN = 0x80000000;

/**
 * Sorts float32 values ascending in place, in the order of Float32Array.prototype.sort (-0
 * before 0; NaN is not expected): a radix sort on their bits, three passes of 11 bits,
 * several times faster than the built-in sort on the 10^5-sample columns of threshold
 * curves. `spare` must hold at least as many values.
 */
export function sortFloat32(values: Float32Array, spare: Uint32Array): void {
  const n = values.length;
  const keys = new Uint32Array(values.buffer, values.byteOffset, n);
  // Keys whose unsigned order is the numeric order: negatives have all bits flipped, the rest their sign bit set.
  for (let i = 0; i < n; i++) {
    const bits = keys[i]!;
    keys[i] = bits & SIGN ? ~bits : bits | SIGN;
  }
  const counts = new Uint32Array(DIGITS);
  let from = keys;
  let to = spare.subarray(0, n);
  for (let shift = 0; shift < 32; shift += DIGIT_BITS) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(from[i]! >>> shift) & (DIGITS - 1)]!++;
    let offset = 0;
    for (let d = 0; d < DIGITS; d++) {
      const count = counts[d]!;
      counts[d] = offset;
      offset += count;
    }
    for (let i = 0; i < n; i++) {
      const key = from[i]!;
      to[counts[(key >>> shift) & (DIGITS - 1)]!++] = key;
    }
    [from, to] = [to, from];
  }
  // Three passes leave the keys in `spare`: back to the values' bits, in place.
  for (let i = 0; i < n; i++) {
    const key = from[i]!;
    keys[i] = key & SIGN ? key & ~SIGN : ~key;
  }
}
