import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditRepository } from './audit-repository';
import { tempDatabase } from './test-support';
import type { TempDatabase } from './test-support';

let temp: TempDatabase;
let audit: AuditRepository;

beforeEach(() => {
  temp = tempDatabase();
  audit = new AuditRepository(temp.db);
});
afterEach(() => temp.cleanup());

describe('AuditRepository', () => {
  it('records actor, role, action, target, success, error and details', () => {
    const entry = audit.record({ actor: 'ann', role: 'admin', action: 'deploy:create', target: 'agent:doc', success: false, error: 'E2010: not healthy within 60 s', details: { version: 'v3' } });
    expect(audit.list()).toEqual([{ ...entry }]);
    expect(entry).toMatchObject({ id: 1, createdAt: temp.db.now(), success: false, error: 'E2010: not healthy within 60 s', details: { version: 'v3' } });
  });

  it('filters by actor, action, target prefix, outcome and time, newest first, with paging', () => {
    audit.record({ actor: 'ann', role: 'admin', action: 'deploy:create', target: 'agent:doc', success: true });
    temp.clock.advance(1000);
    const middle = temp.db.now();
    audit.record({ actor: 'bob', role: 'viewer', action: 'key:create', target: 'agent:doc_2', success: false, error: 'E2040' });
    temp.clock.advance(1000);
    audit.record({ actor: 'ann', role: 'admin', action: 'key:revoke', target: 'key:key_1', success: true });
    audit.record({ actor: 'ann', role: 'admin', action: 'key:revoke', target: 'agent%', success: true });
    expect(audit.list().map((entry) => entry.id)).toEqual([4, 3, 2, 1]);
    expect(audit.list({ actor: 'bob' }).map((entry) => entry.id)).toEqual([2]);
    expect(audit.list({ target: 'agent:*' }).map((entry) => entry.id)).toEqual([2, 1]);
    expect(audit.list({ target: 'agent%*' }).map((entry) => entry.id)).toEqual([4]);
    expect(audit.list({ success: false }).map((entry) => entry.id)).toEqual([2]);
    expect(audit.list({ from: middle }).map((entry) => entry.id)).toEqual([4, 3, 2]);
    expect(audit.list({ to: middle }).map((entry) => entry.id)).toEqual([1]);
    expect(audit.list({ limit: 2 }).map((entry) => entry.id)).toEqual([4, 3]);
    expect(audit.list({ beforeId: 3, limit: 2 }).map((entry) => entry.id)).toEqual([2, 1]);
  });
});
