import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export interface ParsedCommand {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Strict option parsing: an unknown flag is a usage error, not something silently ignored. */
export function parseCommand(argv: string[], options: OptionSpec): ParsedCommand {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...options, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    return { positionals, values };
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e), { cause: e });
  }
}

export function requireString(cmd: ParsedCommand, name: string): string {
  const v = cmd.values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

export function optionalInt(
  cmd: ParsedCommand,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const v = cmd.values[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${String(v)}`);
  }
  return n;
}

/** A command's JSON output with a non-zero exit code (e.g. an import where every file failed). */
export class OutputWithExitCode {
  constructor(
    readonly output: unknown,
    readonly exitCode: number,
  ) {}
}
