// The only file that imports better-sqlite3. Everything else gets a `Db` and uses prepared,
// parameter-bound statements.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { migrations } from './migrations';

export type Db = BetterSqlite3.Database;

/**
 * Electron has its own Node ABI, so `npm run rebuild:electron` builds a second copy of the native
 * module under `.electron-native/`; plain Node (tests, CLI) keeps the one in node_modules.
 */
function nativeBindingForRuntime(): string | undefined {
  if (!process.versions['electron']) return undefined;
  const rel = '.electron-native/node_modules/better-sqlite3/build/Release/better_sqlite3.node';
  // Bundled, this module is out/main/index.js: the project root is two folders up.
  const roots = [resolve(dirname(fileURLToPath(import.meta.url)), '../..'), process.cwd()];
  return roots.map((root) => join(root, rel)).find((file) => existsSync(file));
}

export function openDatabase(file: string): Db {
  const nativeBinding = nativeBindingForRuntime();
  const db = new BetterSqlite3(file, nativeBinding ? { nativeBinding } : {});
  db.pragma('journal_mode = WAL');
  // FULL: a committed edit (a reader's box) survives a power cut too, not only a crashed process.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** Applies the numbered migrations above `user_version`, each in its own transaction. */
export function migrate(db: Db): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(
      `workspace database is version ${current}, newer than this app (${migrations.length}); update the app`,
    );
  }
  for (let v = current; v < migrations.length; v++) {
    const step = migrations[v];
    if (!step) break;
    db.transaction(() => {
      db.exec(step.sql);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
