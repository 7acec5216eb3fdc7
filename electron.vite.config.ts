// Build for the three Electron processes (electron-vite 5). Output: out/main (ESM, Node),
// out/preload/index.cjs (one CommonJS file: sandboxed preloads cannot load ES modules or any
// module but `electron`), out/renderer (the React app, also served to browsers in serve mode).
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { devServerContentSecurityPolicy, metaContentSecurityPolicy } from './src-shared/security/content-security-policy';

const root = import.meta.dirname;

/**
 * In `electron-vite dev` only, swaps the strict CSP meta tag of index.html for the dev-server
 * policy (Fast Refresh's inline preamble, the HMR WebSocket). Builds keep the strict tag.
 */
function devServerCsp(): Plugin {
  return {
    name: 'agentdock:dev-server-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      if (!html.includes(metaContentSecurityPolicy)) {
        throw new Error('src-renderer/index.html: the CSP meta tag differs from content-security-policy.ts.');
      }
      return html.replace(metaContentSecurityPolicy, devServerContentSecurityPolicy);
    },
  };
}

export default defineConfig({
  main: {
    build: {
      // Runtime dependencies stay in node_modules (required at run time), dev ones are bundled.
      externalizeDeps: true,
      outDir: resolve(root, 'out/main'),
      rollupOptions: {
        // `packaged` is the packaged app's entry (electron-builder.yml extraMetadata.main): it sets
        // up paths that only exist inside app.asar, then imports `index`.
        input: { index: resolve(root, 'src-main/electron/main.ts'), packaged: resolve(root, 'src-main/electron/packaged-entry.ts') },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      // Bundle everything: a sandboxed preload's `require` knows only `electron` (and a few
      // polyfilled built-ins we do not use), so no dependency may stay external.
      externalizeDeps: false,
      outDir: resolve(root, 'out/preload'),
      rollupOptions: {
        input: { index: resolve(root, 'src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', inlineDynamicImports: true },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [react(), devServerCsp()],
    // monaco-yaml's worker (through monaco-worker-manager 2.0.1, its latest) imports
    // `monaco-editor/esm/vs/...`; since monaco-editor 0.56 the package's exports map already
    // prefixes `esm/vs/`, so that specifier no longer resolves. Map it to the current one.
    resolve: { alias: [{ find: /^monaco-editor\/esm\/vs\/(.*)$/, replacement: 'monaco-editor/$1' }] },
    build: {
      outDir: resolve(root, 'out/renderer'),
      // electron-vite leaves the renderer unminified by default; minified, the start-up chunk
      // is about a third of the size (browsers in serve mode fetch it over the network).
      minify: true,
      // Maps beside the chunks (linked by a sourceMappingURL comment) keep stack traces and
      // DevTools readable; they are only fetched when DevTools is open.
      sourcemap: true,
      rollupOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
  },
});
