#!/usr/bin/env bash
# Builds the CNCF Distribution registry (the reference container registry) from Go modules and
# prints its binary's path: the Kubernetes target's push path is tested against a real registry on
# 127.0.0.1 (which Docker engines accept over plain HTTP). Cached outside the repo; idempotent.
set -euo pipefail

version="${AGENTDOCK_REGISTRY_VERSION:-v3.0.0}"
tools_dir="${AGENTDOCK_TOOLS_DIR:-$HOME/.cache/agentdock-tools}"
bin="$tools_dir/registry-$version/bin"

if [ -x "$bin/registry" ]; then echo "$bin/registry"; exit 0; fi
source "$(dirname "$0")/go-env.sh"
mkdir -p "$bin"
exec 9>"$bin/.lock"
flock 9
if [ ! -x "$bin/registry" ]; then
  echo "ensure-registry: building registry $version" >&2
  GOFLAGS= GOBIN="$bin" go install -trimpath -ldflags "-s -w" "github.com/distribution/distribution/v3/cmd/registry@$version" >&2
fi
echo "$bin/registry"
