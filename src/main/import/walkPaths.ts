import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ImportError } from '../../shared/catalog/schemas';

/** Expands files and folders (recursively) into absolute file paths, sorted; unreadable paths become errors. */
export async function walkPaths(
  paths: readonly string[],
): Promise<{ files: string[]; errors: ImportError[] }> {
  const files = new Set<string>();
  const errors: ImportError[] = [];
  const visit = async (path: string): Promise<void> => {
    let info;
    try {
      info = await stat(path);
    } catch (e) {
      errors.push({ file: path, reason: describeFsError(e) });
      return;
    }
    if (info.isFile()) {
      files.add(path);
    } else if (info.isDirectory()) {
      let entries;
      try {
        entries = await readdir(path);
      } catch (e) {
        errors.push({ file: path, reason: describeFsError(e) });
        return;
      }
      entries.sort();
      for (const entry of entries) await visit(join(path, entry));
    }
  };
  for (const p of paths) await visit(resolve(p));
  return { files: [...files].sort(), errors };
}

export function describeFsError(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return e instanceof Error ? e.message : String(e);
}
