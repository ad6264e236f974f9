#!/usr/bin/env node
// The `dvt` command: runs the TypeScript CLI in src/main/cli through tsx, so it needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main/cli/main.ts');
