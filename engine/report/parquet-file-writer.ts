import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';
import type { CellValue, Column, ColumnType } from './sample-table';

const PHYSICAL: Record<ColumnType, Pick<SchemaElement, 'type' | 'converted_type'>> = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  int: { type: 'INT32' },
  double: { type: 'DOUBLE' },
  boolean: { type: 'BOOLEAN' },
};

/**
 * Writes a Parquet file a row at a time: rows are held column by column until a row group is
 * full, then encoded and written, so memory is bounded by one row group whatever the row count.
 * Every column is optional (null where a sample has no value, e.g. an errored sample).
 * hyparquet-writer's file writer flushes synchronously, so `write` and `finish` complete before
 * they return (they return a promise only for writers with an asynchronous flush).
 */
export class ParquetFileWriter {
  private readonly writer: ParquetWriter;
  private pending: CellValue[][];
  rows = 0;

  constructor(
    file: string,
    private readonly columns: readonly Column[],
    private readonly rowGroupSize: number,
    metadata: Record<string, string> = {},
  ) {
    const schema: SchemaElement[] = [
      { name: 'root', num_children: columns.length },
      ...columns.map((c): SchemaElement => ({ name: c.name, repetition_type: 'OPTIONAL', ...PHYSICAL[c.type] })),
    ];
    this.writer = new ParquetWriter({
      writer: fileWriter(file),
      schema,
      createdBy: 'evalens',
      kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    });
    this.pending = columns.map(() => []);
  }

  write(row: readonly CellValue[]): void {
    row.forEach((value, i) => this.pending[i]!.push(value));
    this.rows++;
    if (this.pending[0]!.length >= this.rowGroupSize) this.flushRowGroup();
  }

  close(): void {
    this.flushRowGroup();
    void this.writer.finish();
  }

  private flushRowGroup(): void {
    if (this.pending[0] === undefined || this.pending[0].length === 0) return;
    const columnData = this.columns.map((c, i) => ({ name: c.name, data: this.pending[i]! }));
    void this.writer.write({ columnData, rowGroupSize: this.rowGroupSize });
    this.pending = this.columns.map(() => []);
  }
}
