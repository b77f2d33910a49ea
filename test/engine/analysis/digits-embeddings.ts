import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The digits CNN's embeddings of the 540 test digits (test/fixtures/reference/make_digits_embeddings.ts). */
export function digitsEmbeddings(): { data: Float32Array; rows: number; dim: number; labels: number[] } {
  const file = path.resolve(__dirname, '../../fixtures/reference/digits_embeddings.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as { rows: number; dim: number; y: number[]; embedding: number[] };
  return { data: Float32Array.from(json.embedding), rows: json.rows, dim: json.dim, labels: json.y };
}
