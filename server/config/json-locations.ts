import { findNodeAtLocation, type Node as JsonNode } from 'jsonc-parser';

export interface OffsetRange {
  start: number;
  end: number;
}

/**
 * Where to report an issue at a JSON path: the value when it is a scalar; the key when the
 * value is an object or array (a squiggle over a whole block says nothing); for a missing
 * value, the key (or opening brace) of the nearest parent that exists.
 */
export function rangeAtPath(root: JsonNode, path: readonly (string | number)[]): OffsetRange {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = findNodeAtLocation(root, path.slice(0, depth) as (string | number)[]);
    if (node === undefined) continue;
    if (depth === path.length && node.type !== 'object' && node.type !== 'array') return { start: node.offset, end: node.offset + node.length };
    return blockRange(node);
  }
  return { start: root.offset, end: root.offset + 1 };
}

/** The key of an object property, e.g. `"batchsize"` in `"batchsize": 4`. */
export function keyRange(root: JsonNode, objectPath: readonly (string | number)[], key: string): OffsetRange {
  const value = findNodeAtLocation(root, [...objectPath, key] as (string | number)[]);
  const keyNode = value?.parent?.type === 'property' ? value.parent.children?.[0] : undefined;
  if (keyNode !== undefined) return { start: keyNode.offset, end: keyNode.offset + keyNode.length };
  return rangeAtPath(root, objectPath);
}

function blockRange(node: JsonNode): OffsetRange {
  const property = node.parent?.type === 'property' ? node.parent : undefined;
  const key = property?.children?.[0];
  if (key !== undefined) return { start: key.offset, end: key.offset + key.length };
  return { start: node.offset, end: node.offset + 1 };
}

export function valueRange(root: JsonNode, path: readonly (string | number)[]): OffsetRange | undefined {
  const node = findNodeAtLocation(root, path as (string | number)[]);
  return node === undefined ? undefined : { start: node.offset, end: node.offset + node.length };
}
