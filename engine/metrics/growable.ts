type NumberArray = Float32Array | Float64Array | Uint8Array | Int32Array;

/**
 * An append-only typed array for the per-sample values some metrics need by definition
 * (scores for ranking metrics), stored in the narrowest exact type.
 */
export class GrowableArray<A extends NumberArray> {
  private data: A;
  private size = 0;

  /** `capacity`: the values expected, when known, so that the array is allocated once rather than doubled up to it. */
  constructor(
    private readonly allocate: (capacity: number) => A,
    capacity = 1024,
  ) {
    this.data = allocate(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(value: number): void {
    if (this.size === this.data.length) this.reserve(this.size + 1);
    this.data[this.size++] = value;
  }

  pushAll(values: ArrayLike<number>): void {
    this.reserve(this.size + values.length);
    this.data.set(values, this.size);
    this.size += values.length;
  }

  /** A view of the values pushed so far; valid until the next push. */
  values(): A {
    return this.data.subarray(0, this.size) as A;
  }

  private reserve(capacity: number): void {
    if (capacity <= this.data.length) return;
    const next = this.allocate(Math.max(capacity, this.data.length * 2));
    next.set(this.data);
    this.data = next;
  }
}
