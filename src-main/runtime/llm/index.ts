/**
 * The LLM proxy module's public surface, for the composition root (runtime.ts), the runtime
 * benchmark and the offline demo. See README.md beside this file.
 */
export { LlmProxy, worstCaseUsd } from './llm-proxy';
export type { LlmPath, LlmProxyOptions } from './llm-proxy';
export { Budget } from './budget';
export type { BudgetExceeded, BudgetOptions, BudgetSnapshot, BudgetState, BudgetStore, Reservation } from './budget';
export { fileBudgetStore } from './budget-store';
export { CostLedger } from './cost-ledger';
export type { CostTotals } from './cost-ledger';
export { agentLlmEnvironment, createAgentToken } from './agent-access';
export { bufferedStreamRedactor } from './buffered-stream-redactor';
export type { StreamRedactor } from './llm-types';
export { startSimulatedProvider, keyFingerprint } from './simulated-provider';
export type { SimulatedProvider, SimulatedProviderOptions, SimulatedReply, SimulatedRequest, SimulatedRequestLog } from './simulated-provider';
export { serveProxy } from './serve-proxy';
export type { RunningProxy } from './serve-proxy';
export { measureProxyOverhead } from './proxy-overhead';
export type { OverheadReport } from './proxy-overhead';
export { DEFAULT_RETRY_POLICY } from './upstream';
export type { RetryPolicy } from './upstream';
export type { ProxyErrorCode } from './proxy-errors';
