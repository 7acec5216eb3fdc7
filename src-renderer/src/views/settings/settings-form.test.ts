import { describe, expect, it } from 'vitest';
import type { SettingValue } from '../../../../src-shared/ipc/admin-types';
import { daysPatch, describeSource, imagePatch, initialText, parseRecipients } from './settings-form';

const image = (stored: string | null, envValue: string | null = null): SettingValue<string> => ({
  value: envValue ?? stored ?? 'node:22-bookworm-slim',
  source: envValue !== null ? 'environment' : stored !== null ? 'stored' : 'default',
  stored,
  defaultValue: 'node:22-bookworm-slim',
  envName: 'AGENTDOCK_BASE_IMAGE_NODE',
  envValue,
});
const days = (stored: number | null): SettingValue<number> => ({ value: stored ?? 30, source: stored !== null ? 'stored' : 'default', stored, defaultValue: 30, envName: 'AGENTDOCK_RETENTION_AUDIT_DAYS', envValue: null });

describe('imagePatch', () => {
  it('sends only a change: a new image, null to reset a saved one, nothing for the same value or an empty default', () => {
    expect(imagePatch(' mirror.example.com/node:22 ', image(null))).toBe('mirror.example.com/node:22');
    expect(imagePatch('mirror.example.com/node:22', image('mirror.example.com/node:22'))).toBeUndefined();
    expect(imagePatch('', image('mirror.example.com/node:22'))).toBeNull();
    expect(imagePatch('  ', image(null))).toBeUndefined();
  });
});

describe('daysPatch', () => {
  it('parses whole and fractional days, resets on empty, and names what is not a number', () => {
    expect(daysPatch('90', days(null))).toEqual({ patch: 90 });
    expect(daysPatch('1.5', days(null))).toEqual({ patch: 1.5 });
    expect(daysPatch('90', days(90))).toEqual({ patch: undefined });
    expect(daysPatch('', days(90))).toEqual({ patch: null });
    expect(daysPatch('', days(null))).toEqual({ patch: undefined });
    expect(daysPatch('a week', days(null))).toEqual({ error: '"a week" is not a number of days' });
    expect(daysPatch('-3', days(null))).toEqual({ error: '"-3" is not a number of days' });
  });
});

describe('describeSource and initialText', () => {
  it('says where the value in effect comes from', () => {
    expect(describeSource(image(null))).toBe('In effect: the default, node:22-bookworm-slim.');
    expect(describeSource(image('mirror/node:22'))).toBe('In effect: mirror/node:22 (saved here; default node:22-bookworm-slim).');
    expect(describeSource(image('mirror/node:22', 'agentdock/base-node:22'))).toBe(
      'In effect: agentdock/base-node:22 from AGENTDOCK_BASE_IMAGE_NODE, which overrides the saved mirror/node:22. Unset it to use this setting.',
    );
    expect(describeSource(days(14), ' days')).toBe('In effect: 14 days (saved here; default 30 days).');
  });

  it('starts a field with the saved value, empty when the default applies', () => {
    expect(initialText(days(14))).toBe('14');
    expect(initialText(image(null))).toBe('');
  });
});

describe('parseRecipients', () => {
  it('splits on commas, semicolons, spaces and lines', () => {
    expect(parseRecipients('ops@example.com, oncall@example.com;\nboss@example.com ')).toEqual(['ops@example.com', 'oncall@example.com', 'boss@example.com']);
    expect(parseRecipients('  ')).toEqual([]);
  });
});
