/**
 * A fixed workload for the lead's policy benchmark (seed 004 §5.4.10: "policy check adds < 10 ms
 * per call"): a ~4 KB chat-style input with a few PII values, a Dockfile with 10 redact patterns,
 * and an engine whose sinks discard everything. The benchmark times `preInvoke`/`postInvoke` on it
 * against its own baseline; nothing here measures time.
 */
import type { EventSink } from '../contracts';
import { PolicyEngine } from './policy-engine';
import type { PolicyMode } from './policy-engine';

export interface PolicyBenchFixture {
  engine: PolicyEngine;
  /** ~4 KB request body. */
  input: unknown;
  /** ~4 KB agent output. */
  output: unknown;
  /** One pre-invoke plus one post-invoke; throws if either refuses (the workload must stay valid). */
  runOnce(): void;
}

/** The 10 Dockfile patterns of the workload: literals, classes, alternations, one case-insensitive. */
export const BENCH_REDACT_PATTERNS: readonly string[] = [
  '(?i)password',
  String.raw`\bACCT-\d{6}\b`,
  String.raw`\bEMP\d{5}\b`,
  String.raw`(?i)api[_-]?key\s*[:=]\s*\S+`,
  String.raw`\bproject[- ](?:apollo|gemini|mercury)\b`,
  String.raw`\b[A-Z]{2}\d{6}[A-Z]\b`,
  String.raw`\bsk-[A-Za-z0-9]{20,}\b`,
  String.raw`(?i)confidential`,
  String.raw`\bPO-\d{4}-\d{4}\b`,
  String.raw`\b(?:internal|restricted)-only\b`,
];

const SENTENCES = [
  'Our quarterly review covers revenue, churn and the hiring plan for the next two quarters.',
  'Please summarise the attached notes and list the action items with owners and due dates.',
  'The customer asked about shipping times to Berlin, Lisbon and Warsaw for the spring catalogue.',
  'We moved the standup to 09:30 and the retro to Thursday afternoon, version 2.4.1 ships Friday.',
];

/** Builds the workload; `mode` defaults to redact. */
export function createPolicyBenchFixture(mode: PolicyMode = 'redact'): PolicyBenchFixture {
  const discard: EventSink = { emit: () => undefined };
  const engine = new PolicyEngine(
    { policies: { tools: { allowed: ['search'], deny_by_default: true }, safety: { redact_patterns: [...BENCH_REDACT_PATTERNS], max_output_chars: 8_000, block_prompt_injection: true, halt_on_violation: false } } },
    { mode, auditKey: 'bench-only-audit-key-0123456789', events: discard, onAudit: () => undefined },
  );
  const paragraph = (index: number): string => Array.from({ length: 4 }, (_, offset) => SENTENCES[(index + offset) % SENTENCES.length]).join(' ');
  const messages = Array.from({ length: 10 }, (_, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content: paragraph(index) }));
  messages[3] = { role: 'user', content: `${paragraph(3)} Reach me at jane.doe@example.com or (555) 123-4567; ref ACCT-123456.` };
  const input = { messages, metadata: { session: 'bench', locale: 'en-GB' } };
  const output = { answer: messages.map((message) => message.content).join('\n'), sources: ['kb/1', 'kb/2'] };
  return {
    engine,
    input,
    output,
    runOnce() {
      const pre = engine.preInvoke(input, 'bench-trace');
      if (!pre.ok) throw new Error(`bench input refused: ${pre.message}`);
      const post = engine.postInvoke(output, 'bench-trace');
      if (!post.ok) throw new Error(`bench output refused: ${post.message}`);
    },
  };
}
