#!/usr/bin/env bash
# Builds the CNCF Distribution registry (the reference container registry) from Go modules and
# prints its binary's path: the Kubernetes target's push path is tested against a real registry on
# 127.0.0.1 (which Docker engines accept over plain HTTP). Cached outside the repo; idempotent.
set -euo pipefail

version="${AGENTDOCK_REGISTRY_VERSION:-v3.0.0}"
tools_dir="${AGENTDOCK_TOOLS_DIR:-$HOME/.cache/agentdock-tools}"

source "$(dirname "$0")/go-install.sh"
go_install_once ensure-registry "$tools_dir/registry-$version/bin" registry "github.com/distribution/distribution/v3/cmd/registry@$version"
