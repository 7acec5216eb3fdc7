// The loader against hostile and tricky input: every case must end in a clear diagnostic, never a
// throw, a hang or unbounded memory. (Time is bounded by the test timeout, not by assertions.)
import { describe, expect, it } from 'vitest';
import { createMemoryHost } from './host';
import { loadDockfile } from './yaml-loader';
import type { LoadOptions } from './yaml-loader';

function load(files: Record<string, string | Uint8Array>, extra: Partial<LoadOptions> = {}, links: Record<string, string> = {}) {
  return loadDockfile({ file: '/p/Dockfile.yaml', projectDir: '/p', host: createMemoryHost(files, links), variables: {}, ...extra });
}

describe('hostile input', () => {
  it('stops a billion-laughs alias bomb at the value budget', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const result = await load({ '/p/Dockfile.yaml': levels.join('\n') });
    expect(result.value).toBeDefined();
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: 4001, name: 'InputLimitError' });
    expect(result.diagnostics[0]?.message).toMatch(/more than 100,000 values \(an alias bomb\?\)/);
  });

  it('refuses a 10 MB file before reading it', async () => {
    const big = new Uint8Array(10 * 1024 * 1024).fill(0x61);
    let reads = 0;
    const host = createMemoryHost({ '/p/Dockfile.yaml': big });
    const counting = { ...host, readFile: async (path: string) => (reads++, host.readFile(path)) };
    const result = await loadDockfile({ file: '/p/Dockfile.yaml', projectDir: '/p', host: counting, variables: {} });
    expect(reads).toBe(0);
    expect(result.value).toBeUndefined();
    expect(result.diagnostics[0]).toMatchObject({ code: 4001, name: 'InputLimitError', line: 1, column: 1 });
    expect(result.diagnostics[0]?.message).toBe('Dockfile.yaml is 10.0 MiB; a Dockfile may be at most 1.0 MiB');
  });

  it('refuses an editor buffer over the size limit', async () => {
    const result = await load({}, { text: `a: "${'x'.repeat(2 * 1024 * 1024)}"` });
    expect(result.diagnostics[0]).toMatchObject({ code: 4001, name: 'InputLimitError' });
  });

  it('refuses 100,000 nested flow sequences without recursing into them', async () => {
    const result = await load({ '/p/Dockfile.yaml': `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}` });
    expect(result.value).toBeUndefined();
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: 4001, name: 'InputLimitError', line: 1 });
    expect(result.diagnostics[0]?.message).toMatch(/nesting deeper than 64 levels/);
  });

  it('refuses deeply nested block mappings', async () => {
    const lines = Array.from({ length: 200 }, (_, depth) => `${' '.repeat(depth)}k${depth}:`);
    const result = await load({ '/p/Dockfile.yaml': `${lines.join('\n')} end\n` });
    expect(result.diagnostics.map((d) => d.message)).toContain('nesting deeper than 64 levels');
  });

  it('names binary garbage for what it is', async () => {
    const garbage = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256);
    const result = await load({ '/p/Dockfile.yaml': garbage });
    expect(result.value).toBeUndefined();
    expect(result.diagnostics[0]?.code).toBe(4001);
    expect(result.diagnostics[0]?.message).toMatch(/NUL byte at offset \d+: it looks like a binary file/);
  });

  it('rejects invalid UTF-8', async () => {
    const result = await load({ '/p/Dockfile.yaml': Uint8Array.from([0x61, 0x3a, 0x20, 0xc3, 0x28]) });
    expect(result.diagnostics[0]?.message).toBe('Dockfile.yaml is not valid UTF-8 text');
  });

  it('keeps __proto__ an ordinary key', async () => {
    const result = await load({ '/p/Dockfile.yaml': '__proto__: { polluted: true }\nother: 1\n' });
    const value = result.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'other']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports a self-referencing alias instead of recursing forever', async () => {
    const result = await load({ '/p/Dockfile.yaml': 'a: &x [1, *x]\n' });
    expect(result.diagnostics.some((d) => d.code === 4001)).toBe(true);
  });
});

describe('YAML errors carry positions', () => {
  it('points at a duplicate key', async () => {
    const result = await load({ '/p/Dockfile.yaml': 'version: "1.0"\nagent: {}\nagent: {}\n' });
    expect(result.diagnostics[0]).toMatchObject({ code: 4001, name: 'YamlSyntaxError', line: 3, column: 1 });
    expect(result.diagnostics[0]?.fix).toBe('remove one of the two entries');
  });

  it('points at bad indentation', async () => {
    const result = await load({ '/p/Dockfile.yaml': 'agent:\n  name: x\n bad: y\n' });
    expect(result.diagnostics[0]).toMatchObject({ code: 4001, line: 3 });
  });

  it('refuses several documents in one file', async () => {
    const result = await load({ '/p/Dockfile.yaml': 'a: 1\n---\nb: 2\n' });
    expect(result.diagnostics[0]?.message).toMatch(/more than one YAML document/);
  });

  it('refuses unknown tags', async () => {
    const result = await load({ '/p/Dockfile.yaml': 'a: !python/object:os.system "rm -rf /"\n' });
    expect(result.diagnostics[0]?.message).toMatch(/supports only the !include tag/);
  });

  it('reports an empty file', async () => {
    const result = await load({ '/p/Dockfile.yaml': '# nothing yet\n' });
    expect(result.diagnostics[0]?.message).toBe('the Dockfile is empty');
  });
});

describe('!include', () => {
  it('expands relative to the including file and maps positions into the included file', async () => {
    const result = await load({
      '/p/Dockfile.yaml': 'version: "1.0"\nauth: !include conf/auth.yaml\n',
      '/p/conf/auth.yaml': 'mode: jwt\njwt: !include ./jwt.yaml\n',
      '/p/conf/jwt.yaml': 'expiry_minutes: 30\n',
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.value).toEqual({ version: '1.0', auth: { mode: 'jwt', jwt: { expiry_minutes: 30 } } });
    expect(result.files).toEqual(['/p/Dockfile.yaml', '/p/conf/auth.yaml', '/p/conf/jwt.yaml']);
    expect(result.sourceMap.locate(['auth', 'jwt', 'expiry_minutes'])).toMatchObject({ file: '/p/conf/jwt.yaml', line: 1, column: 17 });
  });

  it('detects a cycle through several files (4009) and names the chain', async () => {
    const result = await load({ '/p/Dockfile.yaml': 'a: !include b.yaml\n', '/p/b.yaml': 'c: !include c.yaml\n', '/p/c.yaml': 'd: !include b.yaml\n' });
    const cycle = result.diagnostics.find((d) => d.code === 4009);
    expect(cycle).toMatchObject({ name: 'IncludeCycleError', file: '/p/c.yaml', line: 1, column: 4 });
    expect(cycle?.message).toBe('include cycle: b.yaml → c.yaml → b.yaml');
  });

  it('limits include depth (4009)', async () => {
    const files: Record<string, string> = { '/p/Dockfile.yaml': 'x: !include f1.yaml\n' };
    for (let i = 1; i <= 12; i++) files[`/p/f${i}.yaml`] = `x: !include f${i + 1}.yaml\n`;
    files['/p/f13.yaml'] = 'end: true\n';
    const result = await load(files);
    expect(result.diagnostics.find((d) => d.code === 4009)?.message).toBe('includes nest deeper than 8 levels');
  });

  it('refuses includes that leave the project directory', async () => {
    const result = await load({ '/p/Dockfile.yaml': 'a: !include ../etc/passwd\n', '/etc/passwd': 'root:x:0:0' });
    expect(result.diagnostics[0]).toMatchObject({ code: 4001, name: 'IncludeError', line: 1, column: 4 });
    expect(result.diagnostics[0]?.message).toBe('!include ../etc/passwd resolves outside the project directory');
  });

  it('refuses a symlink inside the project that points outside it', async () => {
    const result = await load({ '/p/Dockfile.yaml': 'a: !include link.yaml\n', '/outside/secret.yaml': 'k: v' }, {}, { '/p/link.yaml': '/outside/secret.yaml' });
    expect(result.diagnostics[0]?.message).toBe('!include link.yaml resolves outside the project directory');
  });

  it('reports a symlink loop as 4009', async () => {
    const result = await load({ '/p/Dockfile.yaml': 'a: !include loop.yaml\n' }, {}, { '/p/loop.yaml': '/p/loop2.yaml', '/p/loop2.yaml': '/p/loop.yaml' });
    expect(result.diagnostics[0]).toMatchObject({ code: 4009 });
    expect(result.diagnostics[0]?.message).toMatch(/symbolic link loop/);
  });

  it('reports a missing include at the !include line', async () => {
    const result = await load({ '/p/Dockfile.yaml': 'version: "1.0"\nauth: !include nope.yaml\n' });
    expect(result.diagnostics[0]).toMatchObject({ code: 4001, name: 'IncludeError', line: 2, column: 7 });
    expect(result.diagnostics[0]?.message).toBe('!include nope.yaml: nope.yaml does not exist');
  });

  it('reports YAML errors inside an included file at their own position', async () => {
    const result = await load({ '/p/Dockfile.yaml': 'a: !include b.yaml\n', '/p/b.yaml': 'x: 1\nx: 2\n' });
    expect(result.diagnostics[0]).toMatchObject({ file: '/p/b.yaml', line: 2, code: 4001 });
  });
});

describe('YAML conveniences', () => {
  it('supports merge keys with explicit keys winning', async () => {
    const result = await load({ '/p/Dockfile.yaml': 'base: &b { rest: true, port: 80 }\nexpose:\n  <<: *b\n  port: 8080\n' });
    expect((result.value as { expose: unknown }).expose).toEqual({ port: 8080, rest: true });
  });
});

describe('${VAR} interpolation', () => {
  const variables = { cli: { A: 'from-cli' }, environment: { A: 'from-env', B: 'from-env' }, dotenv: { A: 'from-dotenv', B: 'from-dotenv', C: 'from-dotenv' } };

  it('resolves --env over the environment over .env', async () => {
    const result = await load({ '/p/Dockfile.yaml': 'a: ${A}\nb: ${B}\nc: ${C}\n' }, { variables });
    expect(result.value).toEqual({ a: 'from-cli', b: 'from-env', c: 'from-dotenv' });
    expect([...result.interpolatedPaths]).toEqual(['a', 'b', 'c']);
  });

  it('keeps plain scalars typed and quoted ones strings', async () => {
    const result = await load({ '/p/Dockfile.yaml': 'port: ${PORT}\nquoted: "${PORT}"\nflag: ${FLAG}\n' }, { variables: { cli: { PORT: '9090', FLAG: 'true' } } });
    expect(result.value).toEqual({ port: 9090, quoted: '9090', flag: true });
  });

  it('reports unresolved variables as 4001 at their position, or warnings when allowed', async () => {
    const strict = await load({ '/p/Dockfile.yaml': 'a: x\nb: "key-${MISSING}"\n' });
    expect(strict.diagnostics[0]).toMatchObject({ code: 4001, name: 'EnvInterpolationError', severity: 'error', path: 'b', line: 2, column: 4 });
    const lenient = await load({ '/p/Dockfile.yaml': 'b: "${MISSING}"\n' }, { allowUnresolved: true });
    expect(lenient.diagnostics[0]).toMatchObject({ code: 4001, severity: 'warning', rule: 'unresolved-variable' });
    expect(lenient.unresolvedPaths.has('b')).toBe(true);
  });
});
