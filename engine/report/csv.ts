import { closeSync, openSync, writeSync } from 'node:fs';

/** A value of one CSV cell; null is an empty field. */
export type CsvValue = string | number | boolean | null;

/** One field as RFC 4180 writes it: quoted when it holds a comma, a quote, CR or LF, with quotes doubled. */
export function csvField(value: CsvValue): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated as RFC 4180 specifies. */
export function csvRecord(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

const FLUSH_AT = 1 << 16;

/**
 * Writes a CSV file a record at a time, buffering up to 64 KiB, so memory stays the same
 * however many records are written.
 */
export class CsvFileWriter {
  private readonly fd: number;
  private buffer = '';
  rows = 0;

  constructor(file: string, header: readonly string[]) {
    this.fd = openSync(file, 'w');
    this.buffer = csvRecord(header);
  }

  write(values: readonly CsvValue[]): void {
    this.buffer += csvRecord(values);
    this.rows++;
    if (this.buffer.length >= FLUSH_AT) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.buffer.length > 0) writeSync(this.fd, this.buffer);
    this.buffer = '';
  }
}
