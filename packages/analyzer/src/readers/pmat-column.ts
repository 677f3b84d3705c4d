// A growable typed-array column: records are appended, and a record that turns out to be
// incomplete is rolled back by resetting `length`.

type Typed = Float64Array | Uint32Array | Int32Array | Uint8Array;

export class Column<T extends Typed> {
  data: T;
  length = 0;

  constructor(private readonly make: (n: number) => T) {
    this.data = make(1024);
  }

  push(value: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = value;
  }

  /** Makes room for `capacity` values, so that a known-big column grows once, not twenty times. */
  reserve(capacity: number): void {
    if (capacity > this.data.length) this.grow(capacity);
  }

  /** Appends many values at once. */
  append(values: ArrayLike<number>): void {
    if (this.length + values.length > this.data.length) this.grow(this.length + values.length);
    this.data.set(values, this.length);
    this.length += values.length;
  }

  private grow(atLeast = 0): void {
    const next = this.make(Math.max(this.data.length * 2, atLeast));
    next.set(this.data as ArrayLike<number>);
    this.data = next;
  }

  /** The filled part, copied into an array of exactly `length`. */
  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}

export const f64 = (): Column<Float64Array> => new Column((n) => new Float64Array(n));
export const u32 = (): Column<Uint32Array> => new Column((n) => new Uint32Array(n));
export const u8 = (): Column<Uint8Array> => new Column((n) => new Uint8Array(n));
