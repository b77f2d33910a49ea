import ts from 'typescript';

/** The innermost node whose text (without leading trivia) contains the offset; the end counts, so a word just typed is found. */
export function nodeAt(file: ts.SourceFile, offset: number): ts.Node {
  let current: ts.Node = file;
  for (;;) {
    let next: ts.Node | undefined;
    ts.forEachChild(current, (child) => {
      if (next === undefined && child.getStart(file) <= offset && offset <= child.getEnd()) next = child;
    });
    if (next === undefined) return current;
    current = next;
  }
}

export function contains(file: ts.SourceFile, node: ts.Node, offset: number): boolean {
  return node.getSourceFile() === file && node.getStart(file) <= offset && offset <= node.getEnd();
}
