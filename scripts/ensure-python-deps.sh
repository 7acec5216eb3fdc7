#!/usr/bin/env bash
# Prints the path of a Python interpreter that has the packages the tests use (real `langgraph`
# and `langchain-core` from PyPI for the Python adapter tests), creating a virtualenv outside the
# repository on first use and reusing it after. The adapter itself needs only the standard library.
set -euo pipefail
venv="${AGENTDOCK_TOOLS_DIR:-$HOME/.cache/agentdock-tools}/python-test-venv"
requirements="$(cd "$(dirname "$0")" && pwd)/python-test-requirements.txt"
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  echo "$want" > "$stamp"
fi
echo "$venv/bin/python"
