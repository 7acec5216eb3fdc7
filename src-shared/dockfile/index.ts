/** The Dockfile v1 engine: schema, types, validation pipeline and diagnostics. */
export { validateDockfile } from './validate';
export type { ValidateOptions, ValidationResult } from './validate';
export { DOCKFILE_ERROR_CODES, compareDiagnostics, formatDiagnostic, formatPath } from './diagnostics';
export type { DockfileDiagnostic, DockfileErrorCode, DockfileErrorName, Severity, SourceRange } from './diagnostics';
export { dockfileSchema, DEFAULT_ROLES, FRAMEWORKS, MODEL_PROVIDERS, RESERVED_PERMISSIONS } from './schema';
export type { DockSpec, DockfileDocument } from './types';
export { LINT_RULES } from './lint';
export { createMemoryHost, HostError } from './host';
export type { DockfileHost } from './host';
export { isDnsLabel, toResourceName } from './names';
export type { AgentLanguage } from './semantic/code-references';
