// ESLint flat config. Besides the usual TypeScript rules, this file is where the layering of
// ARCHITECTURE.md §2 is enforced: each folder may import only from the folders its arrow allows.
// A violating import fails `npm run lint`, which `npm test` runs (see eslint-layering.test.ts).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];

/** `no-restricted-imports` options forbidding Node built-ins and Electron (platform-free code). */
const platformFree = (why) => ({
  paths: [...nodeBuiltins.map((name) => ({ name, message: why })), { name: 'electron', message: why }],
  patterns: [{ group: ['node:*', 'electron/*'], message: why }],
});

/** One zone per forbidden arrow: files under `target` may not import from `from`. */
const zone = (target, from, message) => ({ target, from, message });

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'out/**', 'dist/**', 'coverage/**', 'e2e/artifacts/**', 'src-shared/dockfile/generated/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    languageOptions: { globals: { ...globals.node } },
    // The layering rule must resolve `../core/x` to src-main/core/x.ts to know which folder it is in.
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.d.ts'] } } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            zone('./src-shared', './src-main', 'src-shared is imported by everyone and imports nothing of theirs.'),
            zone('./src-shared', './src-renderer', 'src-shared is imported by everyone and imports nothing of theirs.'),
            zone('./src-renderer', './src-main', 'The renderer talks to main only through the contract in src-shared/ipc.'),
            zone('./src-main/runtime', './src-main/core', 'The runtime ships into images: it imports only src-shared.'),
            zone('./src-main/runtime', './src-main/electron', 'The runtime ships into images: it imports only src-shared.'),
            zone('./src-main/runtime', './src-main/serve', 'The runtime ships into images: it imports only src-shared.'),
            zone('./src-main/runtime', './src-main/cli', 'The runtime ships into images: it imports only src-shared.'),
            zone('./src-main/core', './src-main/electron', 'The core runs without Electron (CLI, serve mode).'),
            zone('./src-main/core', './src-main/serve', 'The core is imported by the front ends, never the reverse.'),
            zone('./src-main/core', './src-main/cli', 'The core is imported by the front ends, never the reverse.'),
            zone('./src-main/cli', './src-main/electron', 'The CLI runs without Electron.'),
            zone('./src-main/serve', './src-main/electron', 'Serve mode runs without Electron.'),
            zone('./src-main/cli', './src-renderer', 'Main-side code never imports the renderer.'),
            zone('./src-main/core', './src-renderer', 'Main-side code never imports the renderer.'),
          ],
        },
      ],
    },
  },
  {
    files: ['src-shared/**/*.ts'],
    ignores: ['src-shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', platformFree('src-shared is platform-free: no Node built-ins, no Electron, no DOM.')],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', platformFree('The renderer is sandboxed: it reaches the system only through window.api.')],
    },
  },
  {
    files: ['src-main/core/**/*.ts', 'src-main/cli/**/*.ts', 'src-main/serve/**/*.ts', 'src-main/runtime/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only src-main/electron may import electron.' }],
          patterns: [{ group: ['electron/*'], message: 'Only src-main/electron may import electron.' }],
        },
      ],
    },
  },
);
