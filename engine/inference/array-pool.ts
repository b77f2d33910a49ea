/**
 * Typed arrays handed back between the runner's threads for reuse, by a key (what they hold)
 * and their length: moved back and forth instead of allocated per batch, they never become
 * garbage in a thread whose collector seldom runs.
 */
export class ArrayPool<A extends ArrayBufferView & { readonly length: number }> {
  private readonly free = new Map<string, A[]>();

  put(key: string, array: A): void {
    const id = `${key}:${array.length}`;
    const list = this.free.get(id) ?? [];
    list.push(array);
    this.free.set(id, list);
  }

  /** An array put back under `key` with this length, or a new one from `allocate`. */
  take(key: string, length: number, allocate: () => A): A {
    return this.free.get(`${key}:${length}`)?.pop() ?? allocate();
  }
}
