#!/usr/bin/env node
// The `dvt` command: runs the TypeScript CLI in src/main/cli through tsx, so it needs no build step.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { wantsHugePages, withHugePages } from '../src/main/platform/hugePages.mjs';

if (wantsHugePages()) {
  // Start again with glibc's huge-page tunable (see hugePages.mjs), passing signals and the exit code on.
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: withHugePages(process.env),
    },
  );
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main/cli/main.ts');
}
