// Builds better-sqlite3 for Electron's Node ABI into .electron-native/, beside the plain-Node build
// in node_modules that the tests and the CLI use. src/main/db/database.ts passes the Electron build
// as better-sqlite3's `nativeBinding` when it runs inside Electron.
// Needs network access to Electron's header server (standard @electron/rebuild behaviour).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { rebuild } from '@electron/rebuild';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const target = join(root, '.electron-native');
const stamp = join(target, 'electron-version');
const binding = join(target, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');

if (existsSync(binding) && existsSync(stamp) && readFileSync(stamp, 'utf8') === electronVersion) {
  console.log(`better-sqlite3 for Electron ${electronVersion} is up to date`);
  process.exit(0);
}

rmSync(target, { recursive: true, force: true });
mkdirSync(join(target, 'node_modules'), { recursive: true });
cpSync(join(root, 'node_modules/better-sqlite3'), join(target, 'node_modules/better-sqlite3'), {
  recursive: true,
  filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`),
});
// @electron/rebuild walks the dependencies of the package at buildPath.
writeFileSync(
  join(target, 'package.json'),
  JSON.stringify({ name: 'electron-native', private: true, dependencies: { 'better-sqlite3': '*' } }),
);
await rebuild({
  buildPath: target,
  electronVersion,
  onlyModules: ['better-sqlite3'],
  force: true,
  buildFromSource: true,
});
writeFileSync(stamp, electronVersion);
console.log(`built better-sqlite3 for Electron ${electronVersion} in ${target}`);
