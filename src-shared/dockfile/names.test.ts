import { describe, expect, it } from 'vitest';
import { AGENT_NAME_PATTERN } from './schema';
import { isDnsLabel, toResourceName } from './names';

describe('agent names as Kubernetes and Docker names', () => {
  it('maps "_" to "-" and leaves valid names alone', () => {
    expect(toResourceName('doc_summarizer')).toBe('doc-summarizer');
    expect(toResourceName('invoice-copilot')).toBe('invoice-copilot');
  });

  it('turns every name the schema accepts into a DNS-1123 label', () => {
    const accepted = ['abc', 'a_b', 'a-b-c', 'agent_2', `a${'_'.repeat(61)}z`, `a${'b'.repeat(62)}`];
    const pattern = new RegExp(AGENT_NAME_PATTERN, 'u');
    for (const name of accepted) {
      expect(pattern.test(name)).toBe(true);
      expect(isDnsLabel(toResourceName(name))).toBe(true);
    }
  });

  it('the schema refuses names no mapping could save', () => {
    const pattern = new RegExp(AGENT_NAME_PATTERN, 'u');
    for (const name of ['ab', 'Agent', '1agent', 'agent-', 'agent_', `a${'b'.repeat(63)}`, 'a.b']) expect(pattern.test(name)).toBe(false);
  });

  it('isDnsLabel follows RFC 1123', () => {
    expect(isDnsLabel('a')).toBe(true);
    expect(isDnsLabel('-a')).toBe(false);
    expect(isDnsLabel('a'.repeat(64))).toBe(false);
    expect(isDnsLabel('A')).toBe(false);
  });
});
