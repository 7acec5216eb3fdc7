import type { FromSchema } from 'json-schema-to-ts';
import type { DockfileSchema } from './schema';

/**
 * A Dockfile as written: optional blocks may be absent. Derived from the schema, never hand-written,
 * so the two cannot drift.
 */
export type DockfileDocument = FromSchema<DockfileSchema, { keepDefaultedPropertiesOptional: true }>;

/**
 * A validated, frozen Dockfile: defaults applied (`expose.port`, `policies.tools.deny_by_default`, …),
 * every block with a default present. This is what the build, the control plane and the runtime read.
 */
export type DockSpec = FromSchema<DockfileSchema>;

export type AgentConfig = DockSpec['agent'];
export type ModelConfig = DockSpec['model'];
export type AuthConfig = DockSpec['auth'];
export type ExposeConfig = DockSpec['expose'];
export type PoliciesConfig = DockSpec['policies'];
export type ObservabilityConfig = DockSpec['observability'];
