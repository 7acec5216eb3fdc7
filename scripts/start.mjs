// `npm start`: build the app with electron-vite, then launch Electron on it (or, where Electron
// cannot be downloaded, say so and how to open the built console in a browser instead).
// package.json's allowScripts keeps Electron's download out of `npm install`, so installing needs
// only the npm registry. The binary is fetched here, on first start, by the electron package's own
// installer; where that host is unreachable the user gets one clear message instead.
import { spawn, spawnSync } from 'node:child_process';
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

// Build first: the same build serves `agentdock serve` (the console in a browser) when the
// desktop app cannot start here.
await build();

let electron = findElectronBinary();
if (electron === undefined) {
  console.error('agentdock: downloading the Electron binary (first start only)…');
  const installer = require.resolve('electron/install.js');
  const result = spawnSync(process.execPath, [installer], { stdio: 'inherit' });
  if (result.status === 0) {
    // require() cached the failed lookup's module: ask the package's path file directly.
    delete require.cache[require.resolve('electron')];
    electron = findElectronBinary();
  }
}
if (electron === undefined) {
  console.error(
    [
      'agentdock: the Electron binary could not be downloaded, so the desktop app cannot start.',
      'Retry with network access to its download host, or point ELECTRON_MIRROR at a mirror:',
      '  node node_modules/electron/install.js',
      'Meanwhile the same console runs in a browser (the app is built):',
      "  AGENTDOCK_MASTER_KEY='a long passphrase' npx agentdock serve",
    ].join('\n'),
  );
  process.exit(1);
}

const child = spawn(electron, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
