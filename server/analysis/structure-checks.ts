import ts from 'typescript';
import type { AnalysisContext } from './context';
import type { IntegrationCall } from './find-integrations';
import { isSlot, propertyNameText, type Slot } from './slots';
import { isAnyLike, members } from './type-kinds';

const GROUPS = ['inputs', 'groundTruths', 'metadata', 'metrics', 'losses'] as const;
/** What a component name may be: it names report columns and files. */
export const COMPONENT_NAME = /^[A-Za-z_][\w.-]*$/;

/** EV4xx: the definition is default-exported, has preprocess and an input encoder, and its component names are valid and unique. */
export function checkStructure(ctx: AnalysisContext, integration: IntegrationCall, definition: Slot): void {
  const { reader, findings } = ctx;
  if (!integration.exported) {
    findings.add(
      'EV403',
      integration.callee,
      "The integration is not the script's default export, so Evalens cannot load it. Write `export default defineIntegration({ ... })` (or `module.exports = defineIntegration({ ... })` in CommonJS).",
    );
  }
  const keys = reader.keys(definition);
  if (keys !== undefined && !keys.includes('preprocess')) {
    findings.add('EV402', integration.callee, 'The integration has no preprocess function. Add `preprocess(ctx) { return { test: { length, data } }; }` returning the subsets (train, validation, test, unlabeled or your own) with their length and data.');
  }
  if (keys !== undefined && !keys.includes('inputs')) {
    findings.add('EV406', integration.callee, "The integration declares no input encoder. Add `inputs: { <name>: { shape, dtype, encode } }` with one encoder per model input.");
  }

  const seen = new Map<string, string>();
  for (const group of GROUPS) {
    const groupSlot = reader.property(definition, group);
    if (!isSlot(groupSlot)) continue;
    const names = reader.keys(groupSlot);
    if (names === undefined) continue;
    if (group === 'inputs' && names.length === 0) {
      findings.add('EV406', reader.keyOrAnchor(groupSlot), "inputs declares no encoder. Add `<name>: { shape, dtype, encode }` with one encoder per model input.");
    }
    duplicateKeysInLiteral(ctx, group, groupSlot);
    for (const name of names) {
      const slot = reader.property(groupSlot, name);
      const at = isSlot(slot) ? reader.keyOrAnchor(slot) : reader.keyOrAnchor(groupSlot);
      if (!COMPONENT_NAME.test(name)) {
        findings.add('EV405', at, `The name '${name}' in ${group} is not valid: names start with a letter or _ and hold letters, digits, _, . or - (they name report columns and files). Rename it, e.g. '${name.replace(/[^\w.-]/g, '_').replace(/^([^A-Za-z_])/, '_$1')}'.`);
      }
      const first = seen.get(name);
      if (first === undefined) seen.set(name, group);
      else findings.add('EV401', at, `The name '${name}' in ${group} is already used in ${first}. Names must be unique across inputs, groundTruths, metadata, metrics and losses: rename one of them.`);
    }
  }
}

/** In JavaScript a repeated key silently replaces the first one. */
function duplicateKeysInLiteral(ctx: AnalysisContext, group: string, groupSlot: Slot): void {
  const literal = groupSlot.node === undefined ? undefined : ctx.reader.resolve(groupSlot.node);
  if (literal === undefined || !ts.isObjectLiteralExpression(literal) || !ctx.reader.inFile(literal)) return;
  const seen = new Set<string>();
  for (const p of literal.properties) {
    if (p.name === undefined || ts.isSpreadAssignment(p)) continue;
    const name = propertyNameText(p.name);
    if (name === undefined) continue;
    if (seen.has(name)) ctx.findings.add('EV401', p.name, `${group} declares '${name}' twice; the later one silently replaces the first. Rename or remove one of them.`);
    seen.add(name);
  }
}

/** The subset names preprocess returns, when its return type lists them (not a Record or `any`). */
export function preprocessSubsets(ctx: AnalysisContext, definition: Slot): string[] | undefined {
  const { reader } = ctx;
  const { checker } = reader;
  const preprocess = reader.property(definition, 'preprocess');
  if (!isSlot(preprocess)) return undefined;
  const signatures = preprocess.type.getCallSignatures();
  if (signatures.length !== 1) return undefined;
  const returned = checker.getAwaitedType(checker.getReturnTypeOfSignature(signatures[0]!));
  if (returned === undefined || isAnyLike(returned)) return undefined;
  const names = new Set<string>();
  for (const member of members(returned)) {
    if (member.flags & ts.TypeFlags.Never) continue;
    if (!(member.flags & ts.TypeFlags.Object) || checker.getIndexInfosOfType(member).length > 0) return undefined;
    for (const p of checker.getPropertiesOfType(member)) names.add(p.name);
  }
  return names.size === 0 ? undefined : [...names];
}
