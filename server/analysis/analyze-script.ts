import path from 'node:path';
import ts from 'typescript';
import type { SignatureCache } from '../model/signature-cache';
import type { AnalysisContext, EncoderFacts } from './context';
import { checkEncoders } from './encoder-checks';
import { findIntegrationCalls, type IntegrationCall } from './find-integrations';
import { Findings, type Finding } from './findings';
import { checkMetadata } from './metadata-checks';
import { checkModel, type ModelFacts } from './model-checks';
import { SlotReader, type Slot } from './slots';
import { checkStructure, preprocessSubsets } from './structure-checks';
import { checkVisualizers } from './visualizer-checks';

/** One `defineIntegration({...})` of a script, as the checks understood it. */
export interface IntegrationFacts {
  readonly call: IntegrationCall;
  readonly definition: Slot;
  readonly inputs: Map<string, EncoderFacts> | undefined;
  readonly groundTruths: Map<string, EncoderFacts> | undefined;
  readonly model: ModelFacts | undefined;
  /** Subset names preprocess returns, when its type lists them. */
  readonly subsets: string[] | undefined;
}

export interface ScriptAnalysis {
  readonly file: ts.SourceFile;
  readonly reader: SlotReader;
  readonly findings: readonly Finding[];
  readonly integrations: readonly IntegrationFacts[];
}

/**
 * Analyzes one integration script of the program: finds its defineIntegration calls and runs
 * every family of checks on each. Only what can be decided statically is reported.
 */
export function analyzeScript(program: ts.Program, file: ts.SourceFile, signatures: SignatureCache): ScriptAnalysis {
  const checker = program.getTypeChecker();
  const reader = new SlotReader(checker, file);
  const findings = new Findings(file);
  const ctx: AnalysisContext = {
    reader,
    findings,
    file,
    scriptDir: path.dirname(file.fileName),
    isTypeScript: !/\.(c|m)?jsx?$/.test(file.fileName),
    signatures,
  };
  const integrations: IntegrationFacts[] = [];
  for (const call of findIntegrationCalls(file, checker)) {
    if (call.argument === undefined) continue;
    const definition = reader.root(call.argument);
    checkStructure(ctx, call, definition);
    const inputs = checkEncoders(ctx, definition, 'inputs');
    const groundTruths = checkEncoders(ctx, definition, 'groundTruths');
    checkMetadata(ctx, definition);
    checkVisualizers(ctx, definition);
    const model = checkModel(ctx, definition, inputs, groundTruths);
    integrations.push({ call, definition, inputs, groundTruths, model, subsets: preprocessSubsets(ctx, definition) });
  }
  return { file, reader, findings: findings.list, integrations };
}
