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
out="$tools_dir/helm-$helm_version"
bin="$out/bin"

if [ -x "$bin/helm" ]; then echo "$bin/helm"; exit 0; fi

source "$(dirname "$0")/go-env.sh"

mkdir -p "$out"
exec 9>"$out/.lock"
flock 9
if [ -x "$bin/helm" ]; then echo "$bin/helm"; exit 0; fi

printf 'ensure-helm: installing helm %s from the Go module proxy\n' "$helm_version" >&2
# helm's version string comes from a linker flag its Makefile sets; without it `helm version` says v3.x-dev.
GOFLAGS= GOBIN="$bin" go install -trimpath \
  -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$helm_version" \
  "helm.sh/helm/v3/cmd/helm@$helm_version" >&2
[ -x "$bin/helm" ] || { echo "ensure-helm: go install finished but $bin/helm is missing" >&2; exit 1; }
printf 'ensure-helm: installed helm %s (%ss)\n' "$helm_version" "$SECONDS" >&2
echo "$bin/helm"
