import * as vscode from 'vscode';
import {
  INTEGRATION_COMPONENTS_REQUEST,
  type DeclarationLocation,
  type IntegrationComponents,
  type IntegrationComponentsParams,
} from '../../shared/lsp-protocol';
import type { EvalensContext } from '../context';

/** Where a script's integration and each of its components are declared, as the language server analyzed them. */
export interface ComponentPlaces {
  readonly definition: vscode.Location | undefined;
  /** By component id (`input:image`); a component missing here has no known place. */
  readonly components: ReadonlyMap<string, vscode.Location>;
}

const NOWHERE: ComponentPlaces = { definition: undefined, components: new Map() };

/**
 * Asks the language server where the components of a script are declared. Without an
 * answer (no server yet, a server that failed, not an integration) nothing has a place:
 * items then get no range rather than a guessed one.
 */
export async function componentPlaces(ctx: EvalensContext, script: vscode.Uri): Promise<ComponentPlaces> {
  const client = ctx.languageClient;
  if (client === undefined) return NOWHERE;
  const params: IntegrationComponentsParams = { textDocument: { uri: client.code2ProtocolConverter.asUri(script) } };
  try {
    const answer = await client.sendRequest<IntegrationComponents | null>(INTEGRATION_COMPONENTS_REQUEST, params);
    if (answer === null) return NOWHERE;
    return {
      definition: toLocation(answer.definition),
      components: new Map(Object.entries(answer.components).map(([id, location]) => [id, toLocation(location)])),
    };
  } catch (error) {
    ctx.log(`no places for the components of ${script.fsPath}: ${error instanceof Error ? error.message : String(error)}`);
    return NOWHERE;
  }
}

function toLocation({ uri, range }: DeclarationLocation): vscode.Location {
  return new vscode.Location(vscode.Uri.parse(uri), new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character));
}
