import ts from 'typescript';
import { ScriptHost } from './script-host';

/**
 * The one TypeScript LanguageService of the server. Between edits it hands out a new
 * Program that reuses every unchanged source file (libs, @types/node, imports), so an edit
 * costs a re-parse of the edited document and the type queries the checks make.
 */
export class TsService {
  readonly host: ScriptHost;
  private readonly service: ts.LanguageService;

  constructor(currentDirectory: string) {
    this.host = new ScriptHost(currentDirectory);
    this.service = ts.createLanguageService(this.host, ts.createDocumentRegistry(ts.sys.useCaseSensitiveFileNames, currentDirectory, this.host.jsDocParsingMode));
  }

  program(): ts.Program {
    const program = this.service.getProgram();
    if (program === undefined) throw new Error('TypeScript produced no program');
    return program;
  }

  dispose(): void {
    this.service.dispose();
  }
}
