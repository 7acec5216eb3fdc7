/**
 * `/docs`: Swagger UI from the bundled `swagger-ui-dist` files — no CDN, so it works offline and
 * under a strict CSP (no inline script: the initialiser is a file of its own).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '../openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: false });
});
`;

/** The HTML page; assets are relative so the page works behind any path prefix (the Kubernetes service proxy). */
export function docsHtml(title: string): string {
  const safe = title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${safe} — API</title>
<link rel="stylesheet" href="swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="swagger-ui-bundle.js"></script>
<script src="init.js"></script>
</body>
</html>
`;
}

/** The CSP for the docs page: only our own files, no inline script. */
export const DOCS_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** Finds the Swagger UI files: beside the bundled runtime (out/runtime/docs), else in node_modules. */
export function findDocsAssets(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const bundled = path.join(here, 'docs');
  if (existsSync(path.join(bundled, 'swagger-ui-bundle.js'))) return bundled;
  try {
    const require = createRequire(import.meta.url);
    return path.dirname(require.resolve('swagger-ui-dist/package.json'));
  } catch {
    return undefined;
  }
}

/** Reads one docs asset by name, or undefined if it is not one of ours. */
export async function readDocsAsset(directory: string | undefined, name: string): Promise<{ body: Buffer | string; type: string } | undefined> {
  if (name === 'init.js') return { body: INIT_SCRIPT, type: 'text/javascript; charset=utf-8' };
  const type = ASSETS[name];
  if (!type || !directory) return undefined;
  return { body: await readFile(path.join(directory, name)), type };
}
