import ts from 'typescript';
import type { OffsetEdit } from './findings';
import type { Slot, SlotReader } from './slots';

/** The edit that replaces a property's value written in the document (`key: value` or shorthand `key`), if it is written there. */
export function replaceValue(reader: SlotReader, slot: Slot, key: string, newText: string): OffsetEdit | undefined {
  const node = slot.node;
  if (node === undefined || !reader.inFile(slot.anchor)) return undefined;
  const file = reader.file;
  if (ts.isShorthandPropertyAssignment(node)) return { start: node.getStart(file), end: node.getEnd(), newText: `${key}: ${newText}` };
  if (slot.anchor === node) return { start: node.getStart(file), end: node.getEnd(), newText };
  return undefined;
}

/** Adds `entry` as the last property of an object literal, keeping its layout (one line or one property per line). */
export function insertProperty(file: ts.SourceFile, literal: ts.ObjectLiteralExpression, entry: string): OffsetEdit {
  const props = literal.properties;
  const last = props[props.length - 1];
  if (last === undefined) return { start: literal.getStart(file), end: literal.getEnd(), newText: `{ ${entry} }` };
  const multiline = file.getLineAndCharacterOfPosition(literal.getStart(file)).line !== file.getLineAndCharacterOfPosition(literal.getEnd()).line;
  if (props.hasTrailingComma) {
    const comma = file.text.indexOf(',', last.getEnd());
    return { start: comma + 1, end: comma + 1, newText: multiline ? `\n${indentOf(file, last.getStart(file))}${entry},` : ` ${entry},` };
  }
  return { start: last.getEnd(), end: last.getEnd(), newText: multiline ? `,\n${indentOf(file, last.getStart(file))}${entry}` : `, ${entry}` };
}

/** The whitespace that starts the line of a position. */
export function indentOf(file: ts.SourceFile, position: number): string {
  const line = file.getLineAndCharacterOfPosition(position).line;
  const start = file.getPositionOfLineAndCharacter(line, 0);
  return /^[ \t]*/.exec(file.text.slice(start, position))?.[0] ?? '';
}
