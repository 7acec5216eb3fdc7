# Sourced by the scripts that build one tool with `go install` (ensure-helm.sh, ensure-registry.sh).
#
# go_install_once LABEL BIN_DIR NAME PACKAGE@VERSION [LDFLAGS]
#   prints BIN_DIR/NAME, building it from the Go module proxy the first time. Concurrent callers
#   wait on a lock and reuse the binary; Go itself is set up (go-env.sh) only when a build is needed.
go_install_once() {
  local label=$1 bin=$2 name=$3 package=$4 ldflags="-s -w ${5:-}"
  if [ -x "$bin/$name" ]; then echo "$bin/$name"; return 0; fi
  source "$(dirname "${BASH_SOURCE[0]}")/go-env.sh"
  mkdir -p "$bin"
  exec 9>"$bin/.lock"
  flock 9
  if [ ! -x "$bin/$name" ]; then
    printf '%s: building %s from the Go module proxy\n' "$label" "$package" >&2
    GOFLAGS= GOBIN="$bin" go install -trimpath -ldflags "$ldflags" "$package" >&2
    [ -x "$bin/$name" ] || { echo "$label: go install finished but $bin/$name is missing" >&2; return 1; }
  fi
  echo "$bin/$name"
}
