import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  main: {
    build: {
      // Native and WASM-backed packages stay in node_modules and are loaded at run time.
      externalizeDeps: true,
      // The inference worker is its own entry: worker threads load it by path (out/main/inferenceWorker.js).
      rollupOptions: {
        input: {
          index: resolve('src/main/electron/index.ts'),
          inferenceWorker: resolve('src/main/inference/inferenceWorker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: true,
      // A sandboxed preload must be CommonJS.
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: { rollupOptions: { input: { index: resolve('src/renderer/index.html') } } },
    plugins: [svelte({ configFile: resolve('svelte.config.js') })],
  },
});
