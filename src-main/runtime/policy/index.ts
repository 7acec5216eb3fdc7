/** The policy engine (seed 004 §5.4): what the composition root, the HTTP layer and the LLM proxy use. */
export { DEFAULT_MAX_AUDIT_RECORDS, PolicyEngine } from './policy-engine';
export type { PolicyEngineOptions, PolicyMode, PolicyRefusal, PostInvokeResult, PreInvokeResult } from './policy-engine';
export type { StreamRedactor } from './stream-redactor';
export { RedactPatternError, USER_PATTERN_STREAM_WINDOW } from './pii-scanner';
export { INJECTION_THRESHOLD, analyzePromptInjection } from './prompt-injection';
export type { InjectionReport } from './prompt-injection';
export { BUILT_IN_DETECTORS, redactionToken } from './pii-detectors';
export type { PiiDetector, PiiSeverity } from './pii-detectors';
export { DEFAULT_WALK_LIMITS } from './json-strings';
export type { WalkLimits } from './json-strings';
export { MIN_AUDIT_KEY_BYTES } from './policy-recorder';
export { createPolicyBenchFixture, BENCH_REDACT_PATTERNS } from './policy-bench-fixture';
export type { PolicyBenchFixture } from './policy-bench-fixture';
