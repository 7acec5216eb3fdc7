import { describe, expect, it } from 'vitest';
import { DEFAULT_ROLES } from '../../../src-shared/dockfile/schema';
import { requiredPermission, resolveRoles } from './permissions';

describe('roles', () => {
  it('uses the default roles when the Dockfile defines none', () => {
    const roles = resolveRoles(undefined);
    expect([...roles.keys()].sort()).toEqual(Object.keys(DEFAULT_ROLES).sort());
    expect(roles.get('viewer')?.has('invoke')).toBe(false);
    expect(roles.get('viewer')?.has('view_metrics')).toBe(true);
    expect(roles.get('developer')?.has('invoke')).toBe(true);
    expect(roles.get('developer')?.has('read_logs')).toBe(true);
    expect(roles.get('admin')?.has('key_manage')).toBe(true);
  });

  it('uses only the Dockfile roles when it has them, expanding read_only', () => {
    const roles = resolveRoles([
      { name: 'operator', permissions: ['invoke'] },
      { name: 'viewer', permissions: ['read_only'] },
    ]);
    expect([...roles.keys()]).toEqual(['operator', 'viewer']);
    expect([...(roles.get('viewer') ?? [])].sort()).toEqual(['read_docs', 'read_only', 'view_metrics']);
    expect(roles.get('operator')?.has('view_metrics')).toBe(false);
  });
});

describe('endpoint permissions', () => {
  it('maps each endpoint to its permission (seed 004 §5.3.4)', () => {
    expect(requiredPermission('/invoke')).toBe('invoke');
    expect(requiredPermission('/stream')).toBe('invoke');
    expect(requiredPermission('/ws/stream')).toBe('invoke');
    expect(requiredPermission('/metrics')).toBe('view_metrics');
    expect(requiredPermission('/docs')).toBeNull();
    expect(requiredPermission('/openapi.json')).toBeNull();
    expect(requiredPermission('/schema')).toBeNull();
    expect(requiredPermission('/events')).toBe('read_logs');
  });

  it('keeps probes and Swagger assets public, and nothing else', () => {
    expect(requiredPermission('/health')).toBeNull();
    expect(requiredPermission('/ready')).toBeNull();
    expect(requiredPermission('/docs/swagger-ui.css')).toBeNull();
    expect(requiredPermission('/docs/../invoke')).toBeUndefined();
    expect(requiredPermission('/docs/..%2finvoke')).toBeUndefined();
    expect(requiredPermission('/nope')).toBeUndefined();
    expect(requiredPermission('/toString')).toBeUndefined();
    expect(requiredPermission('/__proto__')).toBeUndefined();
  });
});
