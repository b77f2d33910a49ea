/**
 * A minimal reader for the protobuf wire format, enough to walk an ONNX model without a
 * protobuf library or native code (the language server uses it too). Length-delimited
 * fields come back as views on the same buffer, so skipping large fields (initializer
 * tensors) costs nothing.
 */

export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

/** Raised for bytes that are not valid protobuf; `truncated` when data ran past the end. */
export class ProtobufError extends Error {
  override readonly name = 'ProtobufError';
  constructor(
    message: string,
    readonly truncated: boolean,
  ) {
    super(message);
  }
}

const TWO_POW_32 = 2 ** 32;
const textDecoder = new TextDecoder('utf-8');

/**
 * Reads the fields of one message. Usage:
 * `while (r.next()) switch (r.field) { case 1: x = r.int64(); break; default: r.skip(); }`
 */
export class ProtobufReader {
  private pos: number;
  /** Field number and wire type of the field that `next()` just read. */
  field = 0;
  wireType: WireType = WireType.Varint;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
    /** Set on readers of embedded messages: running past their end is corruption, not truncation. */
    private readonly nested = false,
  ) {
    this.pos = start;
  }

  /** Byte offset in the underlying buffer, for error messages. */
  get offset(): number {
    return this.pos;
  }

  /** Reads the next field's tag; false when the message ends. */
  next(): boolean {
    if (this.pos >= this.end) return false;
    const at = this.pos;
    const tag = this.varint();
    const wireType = tag % 8;
    const field = Math.floor(tag / 8);
    if (field === 0 || field > 0x1fffffff) throw this.malformed(`invalid field number ${field}`, at);
    if (wireType === WireType.StartGroup || wireType === WireType.EndGroup) {
      throw this.malformed(`group field ${field} (groups are not used by ONNX)`, at);
    }
    if (wireType > WireType.Fixed32) throw this.malformed(`invalid wire type ${wireType}`, at);
    this.field = field;
    this.wireType = wireType as WireType;
    return true;
  }

  /** The current field as an int64/int32/enum/bool; exact up to 2^53 in magnitude. */
  int64(): number {
    this.expect(WireType.Varint);
    return this.varint();
  }

  string(): string {
    return textDecoder.decode(this.bytes());
  }

  /** The current length-delimited field, as a view (no copy). */
  bytes(): Uint8Array {
    const [start, end] = this.lengthDelimited();
    return this.buf.subarray(start, end);
  }

  /** A reader over the current field's embedded message. */
  message(): ProtobufReader {
    const [start, end] = this.lengthDelimited();
    return new ProtobufReader(this.buf, start, end, true);
  }

  /** Skips the current field's value. */
  skip(): void {
    switch (this.wireType) {
      case WireType.Varint:
        this.varint();
        return;
      case WireType.Fixed64:
        this.advance(8);
        return;
      case WireType.Fixed32:
        this.advance(4);
        return;
      case WireType.LengthDelimited:
        this.lengthDelimited();
        return;
      default:
        throw this.malformed(`cannot skip wire type ${this.wireType}`, this.pos);
    }
  }

  private lengthDelimited(): [number, number] {
    this.expect(WireType.LengthDelimited);
    const length = this.varint();
    if (length < 0) throw this.malformed(`negative length ${length}`, this.pos);
    const start = this.pos;
    this.advance(length);
    return [start, this.pos];
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) {
      throw new ProtobufError(
        `field at byte ${this.pos} needs ${n} bytes but ${this.where()} ends after ${this.end - this.pos}`,
        !this.nested,
      );
    }
    this.pos += n;
  }

  private expect(wireType: WireType): void {
    if (this.wireType !== wireType) {
      throw this.malformed(`field ${this.field} has wire type ${this.wireType}, expected ${wireType}`, this.pos);
    }
  }

  /** Decodes a base-128 varint as a signed 64-bit value (two's complement). */
  private varint(): number {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    let lo = 0;
    let b: number;
    // Bytes 1-4 fill the low 28 bits; most varints end here.
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw this.truncatedVarint();
      b = buf[pos++]!;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return lo >>> 0;
      }
    }
    if (pos >= end) throw this.truncatedVarint();
    b = buf[pos++]!;
    lo |= (b & 0x0f) << 28;
    let hi = (b & 0x7f) >> 4;
    if (b >= 0x80) {
      for (let shift = 3; ; shift += 7) {
        if (shift > 31) throw this.malformed('varint longer than 10 bytes', this.pos);
        if (pos >= end) throw this.truncatedVarint();
        b = buf[pos++]!;
        hi |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
    }
    this.pos = pos;
    // `hi | 0` reads the sign bit, so negative int64 values (10-byte varints) come out right.
    return (hi | 0) * TWO_POW_32 + (lo >>> 0);
  }

  private truncatedVarint(): ProtobufError {
    return new ProtobufError(`varint at byte ${this.pos} runs past the end of ${this.where()}`, !this.nested);
  }

  private where(): string {
    return this.nested ? 'its enclosing message' : 'the data';
  }

  private malformed(what: string, at: number): ProtobufError {
    return new ProtobufError(`${what} at byte ${at}`, false);
  }
}
