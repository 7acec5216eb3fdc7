#!/usr/bin/env bash
# A real Kubernetes control plane on loopback for the tests and `npm run bench:k8s`: etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler and kwok (fake nodes: pods are scheduled,
# admitted and marked Running/Ready, but no container runs). Binaries come from
# scripts/ensure-kube-tools.sh (built from Go modules, cached outside the repo).
#
#   scripts/kube-cluster.sh up          starts it (or finds it running) and prints its kubeconfig path
#   scripts/kube-cluster.sh down        deletes it
#   scripts/kube-cluster.sh stop|start  stops/starts the control plane, keeping its state (tests of a lost cluster)
#
# Idempotent and safe to call from several test files at once (one lock). The cluster is named
# `agentdock-test`; its kubeconfig has one context, `kwok-agentdock-test`.
set -euo pipefail

tools_dir="${AGENTDOCK_TOOLS_DIR:-$HOME/.cache/agentdock-tools}"
name="${AGENTDOCK_KUBE_CLUSTER:-agentdock-test}"
state="$tools_dir/kube-cluster"
kubeconfig="$state/$name.kubeconfig"
nodes="${AGENTDOCK_KUBE_NODES:-2}"
export KWOK_WORKDIR="$state/kwok"
# More component flags for a cluster of its own (e.g. the OIDC test's
# "kube-apiserver=authentication-config=/path"), space-separated; used when the cluster is created.
extra_args=()
for arg in ${AGENTDOCK_KUBE_EXTRA_ARGS:-}; do extra_args+=(--extra-args "$arg"); done

log() { printf 'kube-cluster: %s\n' "$1" >&2; }

bin=$(bash "$(dirname "$0")/ensure-kube-tools.sh")
export PATH="$bin:$PATH"

mkdir -p "$state"
# The lock's descriptor is closed for the cluster's daemons (9>&-): they outlive this script and
# would otherwise hold the lock for as long as they run.
exec 9>"$state/.lock"
flock 9

api_ready() { [ -s "$kubeconfig" ] && kubectl --kubeconfig "$kubeconfig" --request-timeout=5s get --raw /readyz >/dev/null 2>&1; }

# Loopback only: kwokctl binds the API server to 0.0.0.0 by default.
# The API server's default service range is a /24 (254 Services); the benchmark's 1,000 agents
# have a Service each, so the cluster gets a /16 (--extra-args above).
# Fake nodes with room for the benchmark's 1,000 agents next to the tests' (kwok's default
# allows 110 pods a node; each agent requests a quarter CPU).
apply_nodes() {
  local i manifest=""
  for i in $(seq 0 $((nodes - 1))); do
    manifest+="
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: \"0\"
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/role: agent
    type: kwok
status:
  allocatable: { cpu: \"1000\", memory: 4096Gi, pods: \"2000\" }
  capacity: { cpu: \"1000\", memory: 4096Gi, pods: \"2000\" }
"
  done
  printf '%s' "$manifest" | kubectl --kubeconfig "$kubeconfig" apply -f - >&2
  # Status is a subresource: apply sets it on create only, so existing nodes get it patched.
  for i in $(seq 0 $((nodes - 1))); do
    kubectl --kubeconfig "$kubeconfig" patch node "kwok-node-$i" --subresource=status --type=merge \
      -p '{"status":{"allocatable":{"cpu":"1000","memory":"4096Gi","pods":"2000"},"capacity":{"cpu":"1000","memory":"4096Gi","pods":"2000"}}}' >/dev/null
  done
  kubectl --kubeconfig "$kubeconfig" wait --for=condition=Ready node --all --timeout=60s >&2
}

# kwok's controller runs the pods of a node only while it holds the node's Lease (200 s). A cluster
# started again (after a reboot, or `stop`/`start`) still has the leases of the controller that
# died, so its pods would stay Pending for up to 200 s: the leases are deleted, and the new
# controller's own awaited.
take_over_node_leases() {
  kubectl --kubeconfig "$kubeconfig" -n kube-node-lease delete lease --all --wait=false >/dev/null
  local i waited=0
  for i in $(seq 0 $((nodes - 1))); do
    until kubectl --kubeconfig "$kubeconfig" -n kube-node-lease get lease "kwok-node-$i" >/dev/null 2>&1; do
      if [ "$waited" -ge 60 ]; then log "kwok did not take node kwok-node-$i over; logs: kwokctl logs kwok-controller --name $name"; exit 1; fi
      sleep 1
      waited=$((waited + 1))
    done
  done
}

restarted=0

up() {
  if [ "$restarted" = 0 ] && api_ready; then echo "$kubeconfig"; return 0; fi
  if [ "$restarted" = 0 ] && kwokctl get clusters 2>/dev/null | grep -qx "$name"; then
    log "cluster $name exists but does not answer; starting it"
    if kwokctl start cluster --name "$name" >&2 9>&-; then restarted=1; else log "cannot start it; recreating"; kwokctl delete cluster --name "$name" >&2 || true; fi
  fi
  if [ "$restarted" = 0 ] && ! api_ready; then
    rm -f "$kubeconfig"
    log "creating cluster $name (Kubernetes $(kube-apiserver --version 2>/dev/null | awk '{print $2}'))"
    kwokctl create cluster --name "$name" --runtime binary \
      --kubeconfig "$kubeconfig" \
      --etcd-binary "$bin/etcd" \
      --kube-apiserver-binary "$bin/kube-apiserver" \
      --kube-controller-manager-binary "$bin/kube-controller-manager" \
      --kube-scheduler-binary "$bin/kube-scheduler" \
      --kwok-controller-binary "$bin/kwok" \
      --disable-qps-limits \
      --extra-args kube-apiserver=service-cluster-ip-range=10.96.0.0/16 \
      --extra-args kube-apiserver=bind-address=127.0.0.1 \
      "${extra_args[@]}" \
      --wait 120s >&2 9>&-
  fi
  # kwokctl start returns before the API server answers; wait for it (60 s) before using it.
  local waited=0
  until api_ready; do
    if [ "$waited" -ge 60 ]; then log "the API server does not answer /readyz; logs: kwokctl logs kube-apiserver --name $name"; exit 1; fi
    # Seen right after the components were killed: `kwokctl start` reports success but a component
    # did not come up. Starting again starts what is missing and leaves running ones alone.
    if [ "$restarted" = 1 ] && [ "$waited" = 20 ]; then log "still not answering; starting the missing components"; kwokctl start cluster --name "$name" >&2 9>&- || true; fi
    sleep 1
    waited=$((waited + 1))
  done
  apply_nodes
  if [ "$restarted" = 1 ]; then take_over_node_leases; fi
  echo "$kubeconfig"
}

case "${1:-up}" in
  up) up ;;
  down) kwokctl delete cluster --name "$name" >&2 || true; rm -f "$kubeconfig" ;;
  stop) kwokctl stop cluster --name "$name" >&2 ;;
  start) kwokctl start cluster --name "$name" >&2 9>&-; restarted=1; up ;;
  *) echo "usage: $0 up|down|stop|start" >&2; exit 2 ;;
esac
