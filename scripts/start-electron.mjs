// `npm start`: launches Electron on the built app with the environment our processes want.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { withHugePages } from '../src/main/platform/hugePages.mjs';

const require = createRequire(import.meta.url);
// The electron package's main export is the path of its binary (downloaded at first launch).
const electron = require('electron');
const child = spawn(electron, ['.', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: withHugePages(process.env),
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
