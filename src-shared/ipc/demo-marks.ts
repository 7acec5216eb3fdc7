/**
 * The mark before each demo incident, the same in the terminal and on the control panel: symbols
 * every desktop and terminal font has (emoji fonts are missing on many Linux machines).
 */
import type { DemoIncidentKind } from './demo-types';

export const DEMO_INCIDENT_MARK: Record<DemoIncidentKind, string> = {
  rate_limited: '⚠',
  breaker_open: '✖',
  breaker_recovered: '✔',
  key_rotated: '⟳',
  pii_redacted: '⊘',
  budget_warning: '$',
  agent_restarted: '↻',
};
