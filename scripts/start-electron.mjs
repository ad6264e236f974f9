// `npm start`: launches Electron on the built app with the environment our processes want.
import { createRequire } from 'node:module';
import { runWithHugePages } from '../src/main/platform/hugePages.mjs';

const require = createRequire(import.meta.url);
// The electron package's main export is the path of its binary (downloaded at first launch).
runWithHugePages(require('electron'), ['.', ...process.argv.slice(2)]);
