import type ts from 'typescript';
import type { SignatureCache } from '../model/signature-cache';
import type { Findings } from './findings';
import type { Slot, SlotReader } from './slots';

/** What every family of checks gets: the value reader, where to report, and the script's place on disk. */
export interface AnalysisContext {
  readonly reader: SlotReader;
  readonly findings: Findings;
  readonly file: ts.SourceFile;
  /** Folder of the script, which model.path is relative to. */
  readonly scriptDir: string;
  /** TypeScript (not JavaScript): `any` there is something the user can annotate. */
  readonly isTypeScript: boolean;
  readonly signatures: SignatureCache;
}

export const DTYPES = ['float32', 'int64', 'int32', 'uint8', 'bool'] as const;

/** The typed array class each dtype's encoder returns (bool tensors are bytes of 0 / 1). */
export const ARRAY_CLASS: Record<(typeof DTYPES)[number], string> = {
  float32: 'Float32Array',
  int64: 'BigInt64Array',
  int32: 'Int32Array',
  uint8: 'Uint8Array',
  bool: 'Uint8Array',
};

export function isDtype(value: string): value is (typeof DTYPES)[number] {
  return (DTYPES as readonly string[]).includes(value);
}

/** One input or ground-truth encoder as the analysis understood it. */
export interface EncoderFacts {
  readonly group: 'inputs' | 'groundTruths';
  readonly name: string;
  readonly slot: Slot;
  /** Static shape, when known. */
  readonly shape: number[] | undefined;
  readonly shapeSlot: Slot | undefined;
  readonly dtype: string | undefined;
  readonly dtypeSlot: Slot | undefined;
}

export function encoderLabel(group: 'inputs' | 'groundTruths', name: string): string {
  return `${group === 'inputs' ? 'input' : 'ground-truth'} encoder '${name}'`;
}

/** "[1, 8, 8]" */
export function formatShape(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}

/** Where another place in the script is, for messages: "line 7: `{ index, writer: ... }`". */
export function placeOf(node: ts.Node): string {
  const file = node.getSourceFile();
  const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
  const text = node.getText(file).replace(/\s+/g, ' ');
  return `line ${line}: \`${text.length > 40 ? `${text.slice(0, 37)}...` : text}\``;
}
