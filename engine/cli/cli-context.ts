import { InvalidArgumentError, type Command } from 'commander';

/** What every command registration gets: a way to report its exit code and whether JSON output was asked for. */
export interface CliContext {
  exit(code: number): void;
  /** Commands call this as soon as they know, so errors are printed as JSON too. */
  setJson(json: boolean): void;
  /** The command goes on serving after its action returns (the language server): the CLI must not exit then. */
  serve(): void;
}

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer.');
  return n;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
