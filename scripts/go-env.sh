# Sourced by the scripts that build tools from the Go module proxy (ensure-kube-tools.sh, and
# go-install.sh for ensure-helm.sh and ensure-registry.sh): puts a Go on PATH, installing Debian's
# golang-go when there is none (a newer toolchain, where a module needs one, then comes from the
# module proxy itself through GOTOOLCHAIN), and builds static binaries.
if ! command -v go >/dev/null 2>&1; then
  for candidate in /usr/local/go/bin /usr/lib/go/bin; do
    [ -x "$candidate/go" ] && export PATH="$candidate:$PATH" && break
  done
fi
if ! command -v go >/dev/null 2>&1; then
  echo "go-env: Go is not installed; installing Debian's golang-go" >&2
  if [ "$(id -u)" = 0 ]; then sudo_if_needed=(); else sudo_if_needed=(sudo); fi
  "${sudo_if_needed[@]}" apt-get update -qq -o DPkg::Lock::Timeout=300 >&2
  "${sudo_if_needed[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=300 golang-go >&2
fi
# Kubernetes 1.36 needs Go 1.26: an older local Go fetches that toolchain from the module proxy.
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.26.8+auto}"
export CGO_ENABLED=0
