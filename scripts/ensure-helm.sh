#!/usr/bin/env bash
# Builds the helm CLI from its Go module and prints the path of the binary: the export tests run
# `helm lint` and `helm template` on the chart `agentdock export --format helm` writes.
#
# Why from source: no release download host is reachable here; the Go module proxy is (as for
# scripts/ensure-kube-tools.sh). The binary is cached outside the repo under $AGENTDOCK_TOOLS_DIR
# (default ~/.cache/agentdock-tools) and reused: cold, a few minutes on 2 cores; warm, no time at
# all. Idempotent; concurrent callers wait on a lock.
set -euo pipefail

helm_version="${AGENTDOCK_HELM_VERSION:-v3.19.0}"
tools_dir="${AGENTDOCK_TOOLS_DIR:-$HOME/.cache/agentdock-tools}"

source "$(dirname "$0")/go-install.sh"
# helm's version string comes from a linker flag its Makefile sets; without it `helm version` says v3.x-dev.
go_install_once ensure-helm "$tools_dir/helm-$helm_version/bin" helm "helm.sh/helm/v3/cmd/helm@$helm_version" \
  "-X helm.sh/helm/v3/internal/version.version=$helm_version"
