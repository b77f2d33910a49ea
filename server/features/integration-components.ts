import ts from 'typescript';
import type { DeclarationLocation, IntegrationComponents } from '../../shared/lsp-protocol';
import type { ScriptAnalysis } from '../analysis/analyze-script';
import { isSlot, type Slot, type SlotReader } from '../analysis/slots';
import { VIRTUAL_ROOT } from '../ts/script-host';
import { pathToUri } from '../workspace/workspace';

/** Definition properties holding named components, and the prefix of their component ids in the integration test. */
const NAMED_GROUPS = [
  ['inputs', 'input'],
  ['groundTruths', 'groundTruth'],
  ['metadata', 'metadata'],
  ['metrics', 'metric'],
  ['losses', 'loss'],
  ['visualizers', 'visualizer'],
] as const;

/**
 * Where each component of the script's integration is declared, named as the integration
 * test names them. Only the definition the loader reads counts (the first exported one);
 * null when the script defines none.
 */
export function integrationComponents(analysis: ScriptAnalysis): IntegrationComponents | null {
  const integration = analysis.integrations.find((i) => i.call.exported) ?? analysis.integrations[0];
  if (integration === undefined) return null;
  const { reader } = analysis;
  const components: Record<string, DeclarationLocation> = {};
  const add = (id: string, slot: Slot | undefined) => {
    const location = slot === undefined ? undefined : declarationOf(slot);
    if (location !== undefined) components[id] = location;
  };
  const definition = integration.definition;
  add('preprocess', member(reader, definition, 'preprocess'));
  for (const [group, prefix] of NAMED_GROUPS) {
    for (const [name, slot] of members(reader, member(reader, definition, group))) add(`${prefix}:${name}`, slot);
  }
  const model = member(reader, definition, 'model');
  add('model', model);
  for (const [name, slot] of members(reader, model && member(reader, model, 'inputs'))) add(`model-input:${name}`, slot);
  for (const [name, slot] of members(reader, model && member(reader, model, 'outputs'))) add(`output:${name}`, slot);
  return { definition: locationOf(integration.call.callee)!, components };
}

function member(reader: SlotReader, slot: Slot, name: string): Slot | undefined {
  const found = reader.property(slot, name);
  return isSlot(found) ? found : undefined;
}

function members(reader: SlotReader, group: Slot | undefined): [string, Slot | undefined][] {
  if (group === undefined) return [];
  return (reader.keys(group) ?? []).map((name) => [name, member(reader, group, name)]);
}

/** The property name that declares a value: in the analyzed script, or in the file a value comes from (a spread, an import). */
function declarationOf(slot: Slot): DeclarationLocation | undefined {
  if (slot.key !== undefined) return locationOf(slot.key);
  const node = slot.node;
  if (node === undefined) return undefined;
  if (ts.isMethodDeclaration(node) || ts.isShorthandPropertyAssignment(node)) return locationOf(node.name);
  if (ts.isPropertyAssignment(node.parent) && node.parent.initializer === node) return locationOf(node.parent.name);
  return undefined;
}

function locationOf(node: ts.Node): DeclarationLocation | undefined {
  const file = node.getSourceFile();
  // The SDK and TypeScript's libs live in the server's virtual files: no place a user can open.
  if (file.fileName.startsWith(`${VIRTUAL_ROOT}/`)) return undefined;
  const start = file.getLineAndCharacterOfPosition(node.getStart(file));
  const end = file.getLineAndCharacterOfPosition(node.getEnd());
  return { uri: pathToUri(file.fileName), range: { start, end } };
}
