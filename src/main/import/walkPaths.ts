import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ImportError } from '../../shared/catalog/schemas';

/**
 * Expands files and folders (recursively) into absolute file paths, sorted; unreadable paths become
 * errors. Symbolic links are followed, but each real folder and file is visited once, so a link
 * loop (a folder linking to itself) ends instead of multiplying paths.
 */
export async function walkPaths(
  paths: readonly string[],
): Promise<{ files: string[]; errors: ImportError[] }> {
  const files = new Map<string, string>(); // real path → first path it was reached by
  const seenFolders = new Set<string>();
  const errors: ImportError[] = [];
  const visit = async (path: string): Promise<void> => {
    let info;
    let real;
    try {
      info = (await lstat(path)).isSymbolicLink() ? await stat(path) : await lstat(path);
      real = await realpath(path);
    } catch (e) {
      errors.push({ file: path, reason: describeFsError(e) });
      return;
    }
    if (info.isFile()) {
      if (!files.has(real)) files.set(real, path);
    } else if (info.isDirectory()) {
      if (seenFolders.has(real)) return;
      seenFolders.add(real);
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
  return { files: [...files.values()].sort(), errors };
}

export function describeFsError(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return e instanceof Error ? e.message : String(e);
}
