#!/usr/bin/env bash
# Builds the local base images the Docker tests use, without any registry:
#   agentdock/base-node:22    the Node 22 binary + the shared libraries it links, /etc/passwd with
#                             the non-root user agentdock (uid 10001), /tmp, CA certificates
#   agentdock/base-python:3   the same plus this machine's python3 and its standard library
#
# Why: no container registry is reachable here (ENVIRONMENT.md), so nothing can be pulled. The
# product defaults to official images (node:22-bookworm-slim, python:3.12-slim + node); tests pass
# these instead. Each image is a `docker import` of a root filesystem tar staged from host files.
#
# Usage: bash scripts/make-base-image.sh [node|python|all]   (default: all)
# Idempotent: an image whose label dev.agentdock.base-content matches the hash of its inputs is
# kept. Prints `<tag> <image id>` per image on stdout; progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

which_images="${1:-all}"
node_tag="agentdock/base-node:22"
python_tag="agentdock/base-python:3"
node_bin="$(bash scripts/ensure-node.sh)/node"
script_hash=$(sha256sum "$0" | cut -c1-64)

# Shared libraries an ELF file needs, as absolute paths (including the dynamic loader).
elf_deps() {
  ldd "$1" 2>/dev/null | awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]*ld-linux/ { print $1 }'
}

# Copies a host file into the staging root at the same path, following symlinks (the image gets
# the real bytes, not a link into a host directory it does not have).
stage_file() {
  local root="$1" file="$2"
  mkdir -p "$root$(dirname "$file")"
  cp -L "$file" "$root$file"
}

# The skeleton every image shares: users, groups, /tmp, name resolution, CA certificates, node.
stage_common() {
  local root="$1" lib
  mkdir -p "$root"/{etc,tmp,usr/local/bin,usr/bin,app}
  chmod 1777 "$root/tmp"
  # Home is /tmp: the root filesystem is mounted read-only at run time.
  cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/usr/sbin/nologin
agentdock:x:10001:10001:AgentDock runtime:/tmp:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
  cat >"$root/etc/group" <<'EOF'
root:x:0:
agentdock:x:10001:
nogroup:x:65534:
EOF
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    stage_file "$root" /etc/ssl/certs/ca-certificates.crt
  fi
  cp -L "$node_bin" "$root/usr/local/bin/node"
  for lib in $(elf_deps "$node_bin"); do stage_file "$root" "$lib"; done
}

# Python: the interpreter at its real path, its stdlib (without tests, build config and the
# site-packages of this machine), and every library the interpreter and its extension modules link.
python_exe=""
python_stdlib=""
resolve_python() {
  local candidate
  for candidate in /usr/bin/python3 "$(command -v python3 || true)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    python_exe=$("$candidate" -c 'import os, sys; print(os.path.realpath(sys.executable))') || continue
    python_stdlib=$("$candidate" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])') || continue
    return 0
  done
  echo "make-base-image: no python3 found (install Debian's python3)" >&2
  exit 1
}

python_manifest() {
  printf '%s\n' "$python_exe"
  sha256sum "$python_exe"
  find "$python_stdlib" -path '*/site-packages' -prune -o -path '*/dist-packages' -prune -o -type f -printf '%P %s %T@\n' | sort
}

stage_python() {
  local root="$1" lib so
  stage_file "$root" "$python_exe"
  mkdir -p "$root$python_stdlib"
  # -L: Debian links a few stdlib files to /etc; the image gets their contents.
  tar -C "$python_stdlib" -chf - \
    --exclude='./test' --exclude='./idlelib' --exclude='./tkinter' --exclude='./turtledemo' \
    --exclude='./lib2to3' --exclude='./ensurepip' --exclude='./config-*' \
    --exclude='./site-packages' --exclude='./dist-packages' --exclude='__pycache__' . 2>/dev/null \
    | tar -C "$root$python_stdlib" -xf -
  ln -sf "$python_exe" "$root/usr/bin/python3"
  ln -sf "$python_exe" "$root/usr/bin/python"
  { elf_deps "$python_exe"; find "$python_stdlib" -name '*.so' -type f -exec sh -c 'for f; do ldd "$f" 2>/dev/null; done' _ {} + \
      | awk '/=> \// { print $3 }'; } | sort -u | while read -r lib; do stage_file "$root" "$lib"; done
}

# Builds one image unless an image with the same content label exists; prints `<tag> <id>`.
build_image() {
  local tag="$1" content_hash="$2" stager="$3" existing stage id
  existing=$(docker image inspect -f '{{index .Config.Labels "dev.agentdock.base-content"}}' "$tag" 2>/dev/null || true)
  if [ "$existing" = "$content_hash" ]; then
    echo "make-base-image: $tag is up to date" >&2
  else
    echo "make-base-image: building $tag" >&2
    previous=$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)
    stage=$(mktemp -d)
    "$stager" "$stage"
    tar -C "$stage" --numeric-owner --owner=0 --group=0 -cf - . | docker import \
      --change "LABEL dev.agentdock.base-content=$content_hash" \
      --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
      --change 'ENV LANG=C.UTF-8' \
      --change 'WORKDIR /app' \
      --message "agentdock local base image ($tag)" - "$tag" >/dev/null
    rm -rf "$stage"
    # The replaced image is now untagged: drop it unless agent images still build on it.
    if [ -n "$previous" ]; then docker image rm "$previous" >/dev/null 2>&1 || true; fi
  fi
  id=$(docker image inspect -f '{{.Id}}' "$tag")
  echo "$tag $id"
}

stage_node_image() { stage_common "$1"; }
stage_python_image() { stage_common "$1"; stage_python "$1"; }

node_hash() {
  { echo "$script_hash"; sha256sum "$node_bin"; for lib in $(elf_deps "$node_bin"); do sha256sum "$(readlink -f "$lib")"; done; } \
    | sha256sum | cut -c1-64
}

case "$which_images" in
  node | python | all) ;;
  *) echo "usage: $0 [node|python|all]" >&2; exit 2 ;;
esac

docker info >/dev/null 2>&1 || { echo "make-base-image: the Docker engine does not answer; run scripts/ensure-docker.sh" >&2; exit 1; }

base_hash=$(node_hash)
if [ "$which_images" != python ]; then
  build_image "$node_tag" "$base_hash" stage_node_image
fi
if [ "$which_images" != node ]; then
  resolve_python
  python_hash=$({ echo "$base_hash"; python_manifest; } | sha256sum | cut -c1-64)
  build_image "$python_tag" "$python_hash" stage_python_image
fi
