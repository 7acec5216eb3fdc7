/**
 * `runtime.json`: the non-secret settings the control plane writes beside the spec (agent version,
 * where the code is, budget, prices, provider routing, request limits).
 */
import path from 'node:path';
import { expectNumber, expectObject, expectOneOf, expectRecord, expectString, optional, ShapeError } from './shape-check';

export type AgentLanguage = 'python' | 'javascript' | 'typescript';

/** Per-model prices in USD per million tokens. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

export interface RuntimeSettings {
  agentVersion: string;
  /** Absolute path of the agent's project inside the image or on the host. */
  projectDir: string;
  language: AgentLanguage;
  budget?: { limitUsd: number; warnRatio?: number };
  prices?: Record<string, ModelPrice>;
  provider?: { mode: 'forward' | 'simulated'; openaiBaseUrl?: string; anthropicBaseUrl?: string; simulated?: Record<string, unknown> };
  limits?: { maxBodyBytes?: number; requestTimeoutMs?: number };
  pythonPath?: string;
}

const LANGUAGES: readonly AgentLanguage[] = ['python', 'javascript', 'typescript'];

function httpUrl(value: unknown, at: string): string {
  const text = expectString(value, at);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ShapeError(at, 'an absolute http(s) URL', 'an unparseable string');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ShapeError(at, 'an http(s) URL', url.protocol);
  return text;
}

function price(value: unknown, at: string): ModelPrice {
  const entry = expectObject(value, at, ['inputPerMillion', 'outputPerMillion']);
  return {
    inputPerMillion: expectNumber(entry.inputPerMillion, `${at}.inputPerMillion`, { min: 0 }),
    outputPerMillion: expectNumber(entry.outputPerMillion, `${at}.outputPerMillion`, { min: 0 }),
  };
}

/** Checks a parsed runtime.json; throws ShapeError naming the first wrong field. */
export function parseRuntimeSettings(value: unknown): RuntimeSettings {
  const root = expectObject(value, '', ['agentVersion', 'projectDir', 'language', 'budget', 'prices', 'provider', 'limits', 'pythonPath']);
  const projectDir = expectString(root.projectDir, 'projectDir');
  // A relative path would resolve against whatever directory the runtime happened to start in.
  if (!path.isAbsolute(projectDir)) throw new ShapeError('projectDir', 'an absolute path', 'a relative path');
  const settings: RuntimeSettings = {
    agentVersion: expectString(root.agentVersion, 'agentVersion'),
    projectDir,
    language: expectOneOf(root.language, 'language', LANGUAGES),
  };
  const budget = optional(root.budget, (raw) => {
    const entry = expectObject(raw, 'budget', ['limitUsd', 'warnRatio']);
    const warnRatio = optional(entry.warnRatio, (ratio) => expectNumber(ratio, 'budget.warnRatio', { exclusiveMin: 0, max: 1 }));
    return { limitUsd: expectNumber(entry.limitUsd, 'budget.limitUsd', { min: 0 }), ...(warnRatio !== undefined && { warnRatio }) };
  });
  if (budget) settings.budget = budget;
  const prices = optional(root.prices, (raw) => expectRecord(raw, 'prices', price));
  if (prices) settings.prices = prices;
  const provider = optional(root.provider, (raw) => {
    const entry = expectObject(raw, 'provider', ['mode', 'openaiBaseUrl', 'anthropicBaseUrl', 'simulated']);
    const result: NonNullable<RuntimeSettings['provider']> = { mode: expectOneOf(entry.mode, 'provider.mode', ['forward', 'simulated'] as const) };
    const openaiBaseUrl = optional(entry.openaiBaseUrl, (url) => httpUrl(url, 'provider.openaiBaseUrl'));
    if (openaiBaseUrl !== undefined) result.openaiBaseUrl = openaiBaseUrl;
    const anthropicBaseUrl = optional(entry.anthropicBaseUrl, (url) => httpUrl(url, 'provider.anthropicBaseUrl'));
    if (anthropicBaseUrl !== undefined) result.anthropicBaseUrl = anthropicBaseUrl;
    const simulated = optional(entry.simulated, (options) => expectObject(options, 'provider.simulated'));
    if (simulated !== undefined) result.simulated = simulated;
    return result;
  });
  if (provider) settings.provider = provider;
  const limits = optional(root.limits, (raw) => {
    const entry = expectObject(raw, 'limits', ['maxBodyBytes', 'requestTimeoutMs']);
    const result: NonNullable<RuntimeSettings['limits']> = {};
    const maxBodyBytes = optional(entry.maxBodyBytes, (bytes) => expectNumber(bytes, 'limits.maxBodyBytes', { integer: true, min: 1 }));
    if (maxBodyBytes !== undefined) result.maxBodyBytes = maxBodyBytes;
    const requestTimeoutMs = optional(entry.requestTimeoutMs, (ms) => expectNumber(ms, 'limits.requestTimeoutMs', { integer: true, min: 1 }));
    if (requestTimeoutMs !== undefined) result.requestTimeoutMs = requestTimeoutMs;
    return result;
  });
  if (limits) settings.limits = limits;
  const pythonPath = optional(root.pythonPath, (raw) => expectString(raw, 'pythonPath'));
  if (pythonPath !== undefined) settings.pythonPath = pythonPath;
  return settings;
}
