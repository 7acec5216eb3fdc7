// `npm start`: build the app with electron-vite, then launch Electron on it.
// The electron npm package downloads its binary in a postinstall step; where that could not run
// (offline installs, `--ignore-scripts`) `require('electron')` throws or names a missing file, so
// that is checked first, before spending time on a build.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'electron-vite';

const require = createRequire(import.meta.url);

/** Path of the Electron executable, or undefined when the binary is not installed. */
function findElectronBinary() {
  try {
    const binary = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const electron = findElectronBinary();
if (electron === undefined) {
  console.error(
    [
      'agentdock: the Electron binary is not installed, so the desktop app cannot start.',
      'Download it (needs network access) with:',
      '  node node_modules/electron/install.js',
    ].join('\n'),
  );
  process.exit(1);
}

await build();

const child = spawn(electron, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
