// What every `dvt` command shares: its shape, and opening a workspace for the length of one command.
import { existsSync } from 'node:fs';
import { openWorkspace, type Workspace } from '../workspace/workspace';

export interface Command {
  usage: string;
  summary: string;
  run(argv: string[]): Promise<unknown>;
}

/** Opens (or creates) the workspace at `dir`, runs `body`, and closes it whatever happens. */
export async function withWorkspace<T>(dir: string, body: (ws: Workspace) => Promise<T> | T): Promise<T> {
  const ws = openWorkspace(dir);
  try {
    return await body(ws);
  } finally {
    await ws.close();
  }
}

/** As withWorkspace, for commands that read a workspace: a missing folder is an error, not a new workspace. */
export function inExistingWorkspace<T>(dir: string, body: (ws: Workspace) => Promise<T> | T): Promise<T> {
  if (!existsSync(dir)) return Promise.reject(new Error(`no workspace at ${dir}`));
  return withWorkspace(dir, body);
}

/** `a,b, c` → ['a', 'b', 'c'] (empty items dropped). */
export const commaList = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
