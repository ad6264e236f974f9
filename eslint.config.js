import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

// Layers (as VS Code and VolView do): shared is runtime-free, the renderer never reaches into main,
// main never imports the renderer. Heavy dependencies are imported by one adapter file each.
const adapterOnly = ['daikon', 'better-sqlite3', 'dcmjs', 'onnxruntime-node', 'jpeg-lossless-decoder-js'].map(
  (name) => ({
    name,
    message: `${name} is imported by its adapter file only`,
  }),
);
const layerRule = (patterns, paths = adapterOnly) => ['error', { patterns, paths }];

export default ts.config(
  {
    ignores: [
      'out/**',
      'node_modules/**',
      '**/.cache/**',
      '.electron-native/**',
      'test/fixtures/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...ts.configs.recommendedTypeChecked,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, svelteConfig } },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': layerRule([
        {
          group: ['**/main/**', 'node:*', 'electron'],
          message: 'the renderer talks to main only through the IPC contract',
        },
      ]),
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': layerRule([
        {
          group: ['**/main/**', '**/renderer/**', '**/preload/**', 'node:*', 'electron'],
          message: 'shared code runs in every layer',
        },
      ]),
    },
  },
  {
    files: ['src/main/**', 'test/**', 'bench/**', 'scripts/**', 'bin/**', '*.config.*'],
    languageOptions: { globals: globals.node },
    rules: {
      'no-restricted-imports': layerRule([
        { group: ['**/renderer/**'], message: 'main does not import the renderer' },
      ]),
    },
  },
  {
    // The adapters themselves may import their dependency.
    files: [
      'src/main/dicom/daikonAdapter.ts',
      'src/main/db/database.ts',
      'src/main/phantom/dicomWriter.ts',
      'src/main/exchange/sr/dcmjsSr.ts',
      'src/main/dicom/codecs/jpegLossless.ts',
      'src/main/inference/ortSession.ts',
    ],
    rules: {
      'no-restricted-imports': layerRule(
        [{ group: ['**/renderer/**'], message: 'main does not import the renderer' }],
        [],
      ),
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...ts.configs.disableTypeChecked,
  },
);
