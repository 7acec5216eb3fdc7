/**
 * monaco-yaml's language server, as a worker entry of our own: Vite bundles it with `?worker`
 * (monaco-yaml's README, "Why doesn't it work with Vite?"), a same-origin file that
 * `script-src 'self'` admits in Electron and in `agentdock serve` alike.
 */
import 'monaco-yaml/yaml.worker.js';
