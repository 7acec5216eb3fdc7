import { describe, expect, it } from 'vitest';
import { formatDockfile } from './format-dockfile';

describe('formatDockfile', () => {
  it('normalises indentation and spacing and keeps every comment', () => {
    const messy = '# Head comment\nversion: "1.0"   # inline\nagent:\n    # about the name\n    name:    my_agent\n    tags:\n    - a\n    - b\nmodel: {provider: openai, name: gpt-4o-mini}\n';
    const result = formatDockfile(messy);
    expect(result).toEqual({
      ok: true,
      changed: true,
      text: '# Head comment\nversion: "1.0" # inline\nagent:\n  # about the name\n  name: my_agent\n  tags:\n    - a\n    - b\nmodel: { provider: openai, name: gpt-4o-mini }\n',
    });
  });

  it('is idempotent and reports an unchanged buffer', () => {
    const once = formatDockfile('a:   1\n');
    expect(once).toEqual({ ok: true, changed: true, text: 'a: 1\n' });
    expect(formatDockfile('a: 1\n')).toEqual({ ok: true, changed: false, text: 'a: 1\n' });
  });

  it('does not fold long lines and keeps !include tags', () => {
    const long = `agent:\n  description: ${'word '.repeat(40).trim()}\npolicies: !include policies.yaml\n`;
    expect(formatDockfile(long)).toEqual({ ok: true, changed: false, text: long });
  });

  it('refuses a document with syntax errors and says where', () => {
    const result = formatDockfile('agent:\n  name: [unclosed\nmodel: x\n');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^Cannot format: YAML syntax error at line \d+, column \d+: .+Fix the syntax first\.$/);
  });

  it('refuses duplicate keys, as the validator does', () => {
    const result = formatDockfile('a: 1\na: 2\n');
    expect(!result.ok && result.reason).toMatch(/line 2, column 1/);
  });
});
