import { describe, expect, it } from 'vitest';
import type { LogTailLine } from '../../../../src-shared/ipc/console-types';
import { appendBounded, levelOf, matchesFilter, parseLogLine } from './log-line';

const at = '2025-03-10T12:00:00.000Z';
const line = (text: string, stream: 'stdout' | 'stderr' = 'stdout'): LogTailLine => ({ replica: 'replica-0', stream, time: at, line: text, version: 'v3' });

describe('parseLogLine', () => {
  it("reads the runtime logger's JSON lines: level, msg, its own time, other fields with the trace id first", () => {
    const parsed = parseLogLine(line('{"time":"2025-03-10T11:59:58.000Z","level":"warn","msg":"run finished","agent":"bot","version":"v3","endpoint":"/invoke","traceId":"t-1","latencyMs":12}'), 7);
    expect(parsed).toMatchObject({ id: 7, level: 'warn', message: 'run finished', time: '2025-03-10T11:59:58.000Z', fields: 'traceId=t-1 endpoint=/invoke latencyMs=12', version: 'v3' });
  });

  it('reads a leading level word in plain text, Python and bracket styles', () => {
    expect(parseLogLine(line('WARNING:root:slow tool'), 1).level).toBe('warn');
    expect(parseLogLine(line('[ERROR] boom'), 1).level).toBe('error');
    expect(parseLogLine(line('debug - cache miss'), 1).level).toBe('debug');
    expect(parseLogLine(line('information is not a level', 'stderr'), 1).level).toBe('warn');
    expect(parseLogLine(line('Info: ready', 'stderr'), 1).level).toBe('info');
  });

  it('falls back to the stream: stderr is a warning, stdout information; bad JSON is text', () => {
    expect(parseLogLine(line('Traceback (most recent call last):', 'stderr'), 1)).toMatchObject({ level: 'warn', message: 'Traceback (most recent call last):', time: at });
    expect(parseLogLine(line('echo:hi'), 1).level).toBe('info');
    expect(parseLogLine(line('{not json}', 'stderr'), 1)).toMatchObject({ level: 'warn', message: '{not json}', fields: '' });
    expect(parseLogLine(line('{"msg":"no level"}'), 1)).toMatchObject({ level: 'info', message: 'no level' });
  });

  it('maps level names and pino numbers', () => {
    expect(['trace', 'INFO', 'Warning', 'fatal', 'critical', 'nope', 20, 30, 40, 60, null].map(levelOf)).toEqual(['debug', 'info', 'warn', 'error', 'error', undefined, 'debug', 'info', 'warn', 'error', undefined]);
  });
});

describe('matchesFilter', () => {
  const warn = parseLogLine(line('{"level":"warn","msg":"Budget at 90%"}'), 1);
  const info = parseLogLine(line('{"level":"info","msg":"run finished"}'), 2);

  it('keeps lines at the least level or above', () => {
    expect([warn, info].filter((entry) => matchesFilter(entry, { minLevel: 'warn', search: '' }))).toEqual([warn]);
    expect([warn, info].filter((entry) => matchesFilter(entry, { minLevel: 'debug', search: '' }))).toEqual([warn, info]);
  });

  it('searches the raw line, ignoring case and surrounding spaces', () => {
    expect(matchesFilter(warn, { minLevel: 'debug', search: '  budget ' })).toBe(true);
    expect(matchesFilter(info, { minLevel: 'debug', search: 'budget' })).toBe(false);
    expect(matchesFilter(info, { minLevel: 'debug', search: '"level":"info"' })).toBe(true);
  });
});

describe('appendBounded', () => {
  it('keeps the newest lines up to the limit', () => {
    expect(appendBounded([1, 2, 3], [4, 5], 4)).toEqual([2, 3, 4, 5]);
    expect(appendBounded([1], [2, 3, 4, 5, 6], 3)).toEqual([4, 5, 6]);
    expect(appendBounded([1, 2], [3], 5)).toEqual([1, 2, 3]);
  });
});
