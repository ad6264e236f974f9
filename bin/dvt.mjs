#!/usr/bin/env node
// The `dvt` command: runs the TypeScript CLI in src/main/cli through tsx, so it needs no build step.
import { fileURLToPath } from 'node:url';
import { runWithHugePages, wantsHugePages } from '../src/main/platform/hugePages.mjs';

if (wantsHugePages()) {
  // Start again with glibc's huge-page tunable (see hugePages.mjs).
  runWithHugePages(process.execPath, [
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    ...process.argv.slice(2),
  ]);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main/cli/main.ts');
}
