import { describe, expect, it } from 'vitest';
import { defaultKeyRole } from './key-roles';

describe('defaultKeyRole', () => {
  it('offers the least role that can invoke, not admin', () => {
    const roles = [
      { name: 'admin', permissions: ['deploy', 'key_manage', 'invoke'] },
      { name: 'developer', permissions: ['invoke', 'view_metrics'] },
      { name: 'viewer', permissions: ['view_metrics'] },
    ];
    expect(defaultKeyRole(roles)).toBe('developer');
  });

  it('falls back to any invoker, then to the first role, then to nothing', () => {
    expect(defaultKeyRole([{ name: 'ops', permissions: ['deploy', 'invoke'] }, { name: 'reader', permissions: ['read_docs'] }])).toBe('ops');
    expect(defaultKeyRole([{ name: 'reader', permissions: ['read_docs'] }])).toBe('reader');
    expect(defaultKeyRole([])).toBe('');
  });
});
