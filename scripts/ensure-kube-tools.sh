#!/usr/bin/env bash
# Builds the binaries of a real Kubernetes control plane from Go modules and prints the folder
# that holds them: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok
# and kwokctl (kwok stands in for kubelets: its fake nodes mark pods Running and Ready).
#
# Why from source: no container registry or release download host is reachable here; the Go
# module proxy is. kube-apiserver & co. and etcd cannot be `go install`ed (their go.mod files
# replace modules with local paths), so each is built from a throwaway module that requires it
# and points every k8s.io staging module at its published tag. The result is cached outside the
# repo under $AGENTDOCK_TOOLS_DIR (default ~/.cache/agentdock-tools) and reused: cold, it takes
# 25-40 minutes on 2 cores; warm, no time at all. Idempotent; concurrent callers wait on a lock.
set -euo pipefail

kube_version="${AGENTDOCK_KUBE_VERSION:-v1.36.3}"
staging_version="v0${kube_version#v1}"
etcd_version="${AGENTDOCK_ETCD_VERSION:-v3.6.10}"
kwok_version="${AGENTDOCK_KWOK_VERSION:-v0.8.0}"
tools_dir="${AGENTDOCK_TOOLS_DIR:-$HOME/.cache/agentdock-tools}"
out="$tools_dir/kube-$kube_version-etcd-$etcd_version-kwok-$kwok_version"
bin="$out/bin"
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kwokctl)

all_built() {
  local b
  for b in "${binaries[@]}"; do [ -x "$bin/$b" ] || return 1; done
}

if all_built; then echo "$bin"; exit 0; fi

source "$(dirname "$0")/go-env.sh"
export GOFLAGS="-mod=mod"

mkdir -p "$out"
exec 9>"$out/.lock"
flock 9
if all_built; then echo "$bin"; exit 0; fi
mkdir -p "$bin"
work="$out/src"
mkdir -p "$work"

log() { printf 'ensure-kube-tools: %s (%ss)\n' "$1" "$SECONDS" >&2; }

# --- kube-apiserver, kube-controller-manager, kube-scheduler, kubectl ---------------------------
build_kubernetes() {
  local dir="$work/kubernetes" mod
  mkdir -p "$dir"
  mod=$(curl -fsS "https://proxy.golang.org/k8s.io/kubernetes/@v/$kube_version.mod") || {
    echo "ensure-kube-tools: cannot read k8s.io/kubernetes@$kube_version's go.mod from the Go module proxy" >&2
    return 1
  }
  {
    echo "module agentdock.local/kubebuild"
    echo
    echo "$mod" | grep -E '^go [0-9]' | head -1
    echo "$mod" | grep -E '^godebug ' || true
    echo
    echo "require k8s.io/kubernetes $kube_version"
    echo
    echo "replace ("
    # Every `k8s.io/x => ./staging/...` line becomes `k8s.io/x => k8s.io/x v0.N.M`.
    echo "$mod" | sed -nE "s#^[[:space:]]*(k8s\.io/[a-z0-9-]+) => \./staging/.*#\t\1 => \1 $staging_version#p"
    echo ")"
  } >"$dir/go.mod"
  log "building Kubernetes $kube_version (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl)"
  (cd "$dir" && go mod download k8s.io/kubernetes >&2 && \
    for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
      [ -x "$bin/$cmd" ] && continue
      go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$kube_version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$kube_version" | cut -d. -f2)" \
        -o "$bin/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd" >&2
      mv "$bin/$cmd.tmp" "$bin/$cmd"
      log "built $cmd"
    done)
}

# --- etcd ---------------------------------------------------------------------------------------
build_etcd() {
  [ -x "$bin/etcd" ] && return 0
  local dir="$work/etcd"
  mkdir -p "$dir"
  printf 'module agentdock.local/etcdbuild\n\ngo 1.24\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$etcd_version" >"$dir/go.mod"
  log "building etcd $etcd_version"
  (cd "$dir" && go mod download go.etcd.io/etcd/server/v3 >&2 && \
    go build -trimpath -ldflags "-s -w" -o "$bin/etcd.tmp" go.etcd.io/etcd/server/v3 >&2)
  mv "$bin/etcd.tmp" "$bin/etcd"
  log "built etcd"
}

# --- kwok, kwokctl ------------------------------------------------------------------------------
build_kwok() {
  [ -x "$bin/kwok" ] && [ -x "$bin/kwokctl" ] && return 0
  log "installing kwok $kwok_version"
  GOFLAGS= GOBIN="$bin" go install -trimpath -ldflags "-s -w" \
    "sigs.k8s.io/kwok/cmd/kwok@$kwok_version" "sigs.k8s.io/kwok/cmd/kwokctl@$kwok_version" >&2
  log "installed kwok, kwokctl"
}

build_etcd
build_kwok
build_kubernetes
all_built || { echo "ensure-kube-tools: some binaries are missing from $bin" >&2; exit 1; }
log "all binaries in $bin"
echo "$bin"
