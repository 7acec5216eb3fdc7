/**
 * Agent names and the names of what AgentDock creates for them.
 *
 * `agent.name` allows "_" (the PRD's own examples use it), but Kubernetes object names and labels
 * are DNS-1123 labels (lowercase alphanumerics and "-", at most 63 characters, alphanumeric at both
 * ends) and Docker container names should match them so one name works on every target. The
 * schema already guarantees a lowercase letter first, an alphanumeric last and at most 63
 * characters, so the mapping is one rule: "_" becomes "-". Two agents whose names differ only by
 * "_" versus "-" map to the same resource name; the control plane refuses the second one.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The Kubernetes/Docker resource name for an agent name: `doc_summarizer` → `doc-summarizer`. */
export function toResourceName(agentName: string): string {
  return agentName.replace(/_/g, '-');
}

/** True if `name` is a valid DNS-1123 label (Kubernetes object names, label values, Docker names). */
export function isDnsLabel(name: string): boolean {
  return name.length >= 1 && name.length <= 63 && DNS_LABEL.test(name);
}
