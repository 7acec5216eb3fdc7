#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine, installing and starting it if needed.
#
# Why: the Docker target's tests run against the real engine (no mocks), and CI machines are fresh
# Debian 12 boxes without a service manager we can rely on. So: if `docker info` works we are done;
# otherwise install Debian's `docker.io`, start `dockerd` in the background ourselves, and wait for
# it. Overlay is tried first; if the daemon cannot start with it (nested or unusual filesystems),
# we retry with the slow but universal `vfs` storage driver. Idempotent; safe to call from every
# test's beforeAll. Needs root (or sudo) only when it has to install or start the engine.
set -euo pipefail

tools_dir="${AGENTDOCK_TOOLS_DIR:-$HOME/.cache/agentdock-tools}"
log="$tools_dir/dockerd.log"
wait_seconds="${AGENTDOCK_DOCKER_WAIT_SECONDS:-60}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
engine_up() { docker info >/dev/null 2>&1; }
# /proc instead of pgrep: procps is not guaranteed on a minimal machine.
dockerd_running() {
  local comm
  for comm in /proc/[0-9]*/comm; do
    [ "$(cat "$comm" 2>/dev/null)" = dockerd ] && return 0
  done
  return 1
}

if command -v docker >/dev/null 2>&1 && engine_up; then
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "ensure-docker: installing docker.io" >&2
  # Another apt run (e.g. one started by hand a minute ago) holds the dpkg lock: wait for it
  # instead of failing. Debian's apt-get has no lock-timeout before 1.9.11; 12 ships 2.6.
  as_root apt-get update -qq -o DPkg::Lock::Timeout=300 >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=300 docker.io >&2
fi

mkdir -p "$tools_dir"

# dockerd skips starting its containerd when the pid in containerd.pid is alive, without checking
# that the process is containerd. After a reboot or a crash that pid may belong to anything (seen:
# kwok-controller), and dockerd then waits for a containerd that never comes. Remove such a file.
clear_stale_containerd_pid() {
  local pidfile=/var/run/docker/containerd/containerd.pid pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile" 2>/dev/null || true)
  if [ -z "$pid" ] || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != containerd ]; then
    as_root rm -f "$pidfile"
  fi
}

# Starts dockerd with the given extra flags and waits for `docker info`; returns 1 if the daemon
# exits or does not answer in time.
start_dockerd() {
  clear_stale_containerd_pid
  echo "ensure-docker: starting dockerd $* (log: $log)" >&2
  printf '\n--- dockerd %s started %s\n' "$*" "$(date -Is)" >>"$log"
  # setsid + nohup: the daemon must outlive the shell (and the test process) that started it.
  as_root setsid nohup dockerd "$@" >>"$log" 2>&1 </dev/null &
  local waited=0
  while [ "$waited" -lt "$wait_seconds" ]; do
    if engine_up; then return 0; fi
    # The daemon gave up (e.g. overlay unsupported): no point waiting the full minute.
    if ! dockerd_running; then return 1; fi
    sleep 1
    waited=$((waited + 1))
  done
  return 1
}

# A daemon may already be starting (a parallel caller, or a service manager): give it a chance.
if dockerd_running; then
  for _ in $(seq 1 "$wait_seconds"); do
    if engine_up; then exit 0; fi
    sleep 1
  done
  echo "ensure-docker: a dockerd process exists but does not answer \`docker info\`" >&2
  tail -n 30 "$log" >&2 2>/dev/null || true
  exit 1
fi

if start_dockerd; then
  docker version --format 'ensure-docker: engine {{.Server.Version}}' >&2 || true
  exit 0
fi

# Overlay failed: stop whatever is left of that attempt, then fall back to vfs.
# dockerd writes its pid file once it is past flag parsing.
if dockerd_running && [ -s /var/run/docker.pid ]; then
  as_root kill "$(cat /var/run/docker.pid)" 2>/dev/null || true
  for _ in $(seq 1 10); do dockerd_running || break; sleep 1; done
fi
if start_dockerd --storage-driver=vfs; then
  docker version --format 'ensure-docker: engine {{.Server.Version}} (vfs storage driver)' >&2 || true
  exit 0
fi

echo "ensure-docker: the Docker engine did not start within ${wait_seconds}s. Last lines of $log:" >&2
tail -n 40 "$log" >&2 || true
exit 1
