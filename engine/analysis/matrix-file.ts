import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { matrixFileSchema, type MatrixFile } from '../../shared/analysis-types';
import { EvalensError } from '../errors';
import { syncDir } from '../runs/atomic-file';

export type MatrixData = Float32Array | Int32Array;

export interface Matrix {
  readonly data: MatrixData;
  readonly rows: number;
  readonly columns: number;
}

/**
 * Writes `rows × columns` values as `dir/file` (raw little-endian float32 or int32, row-major;
 * typed arrays are platform-endian, and every platform onnxruntime-node ships for is little-
 * endian) and returns the description analysis.json keeps. Atomic like writeFileAtomic: a
 * crash leaves the old file or the new one, never a torn one.
 */
export function writeMatrixFile(dir: string, file: string, data: MatrixData, rows: number, columns: number): MatrixFile {
  const matrix = matrixFileSchema.parse({ file, dtype: data instanceof Float32Array ? 'float32' : 'int32', rows, columns });
  if (data.length !== rows * columns) throw new RangeError(`${file}: ${data.length} values, expected ${rows} rows × ${columns}`);
  const target = path.join(dir, file);
  const tmp = `${target}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, target);
  syncDir(dir);
  return matrix;
}

/**
 * Reads the matrix `matrix` describes from `filePath`, checking that the file is there and
 * holds exactly `rows × columns` values of its dtype: a missing, truncated or overwritten file
 * is an error naming it, never a matrix of wrong or shifted values.
 */
export function readMatrix(filePath: string, matrix: MatrixFile): Matrix {
  const { dtype, rows, columns } = matrixFileSchema.parse(matrix);
  let bytes: Buffer;
  try {
    bytes = readFileSync(filePath);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `cannot be read (${error instanceof Error ? error.message : String(error)})`;
    throw new EvalensError('run-corrupt', `The analysis file ${filePath} ${why}. Run \`evalens analyze\` again to rebuild it.`, { file: filePath }, { cause: error });
  }
  const expected = rows * columns * 4;
  if (bytes.byteLength !== expected) {
    throw new EvalensError(
      'run-corrupt',
      `The analysis file ${filePath} holds ${bytes.byteLength} bytes, but ${rows} rows × ${columns} ${dtype} values take ${expected}: it is truncated or was overwritten. Run \`evalens analyze\` again to rebuild it.`,
      { file: filePath },
    );
  }
  // A typed array needs its offset aligned to 4 bytes; copy the rare buffer that is not.
  const buffer = bytes.byteOffset % 4 === 0 ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + expected);
  const offset = bytes.byteOffset % 4 === 0 ? bytes.byteOffset : 0;
  const data = dtype === 'float32' ? new Float32Array(buffer, offset, rows * columns) : new Int32Array(buffer, offset, rows * columns);
  return { data, rows, columns };
}
