/**
 * `agentdock export <agent> <version>`: a version as plain Kubernetes manifests or a Helm chart,
 * for GitOps. The work is core's (targets/kubernetes/export.ts, helm-chart.ts); this parses flags,
 * refuses to overwrite what is there without --force, and says what it wrote.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { isDnsLabel } from '../../../src-shared/dockfile/names';
import { imageRefProblem } from '../../../src-shared/settings-rules';
import { exportAgent, loadExportSource, manifestsYaml, writeExportFiles } from '../../core/targets/kubernetes/export';
import type { ExportOptions } from '../../core/targets/kubernetes/export';
import { helmChart } from '../../core/targets/kubernetes/helm-chart';
import { parseCommandArguments, trustLevel, wholeNumber } from '../arguments';
import { withControlPlane } from '../control-plane-session';
import { EXIT, paint, UsageError } from '../terminal';
import type { Terminal } from '../terminal';

const FORMATS = ['manifests', 'helm'] as const;

export const exportHelp = `Usage: agentdock export <agent> <version> --format manifests|helm [options]

Writes a version (e.g. v3) as the Kubernetes objects a deploy of it would apply, for GitOps:
  manifests  one multi-document YAML file, <out>/<agent>-<version>.yaml (stdout without --out)
  helm       a chart folder, <out>/<agent>/, whose default values render the same objects

No secret value is ever exported: secrets.json in the Secret is a placeholder naming the secrets
the version needs (\${NAME}), to fill from your secret manager; keys.json holds API-key hashes.

Options:
  --format manifests|helm   what to write (required)
  --out DIR                 where to write (manifests: default stdout; helm: default .)
  --namespace NS            the objects' namespace (default: the agent's name)
  --image REF               the image (default: the tag a deploy builds, agentdock/<agent>:<hash>)
  --trust LEVEL             TRUSTED, STANDARD, UNTRUSTED or CONFIDENTIAL (default: STANDARD)
  --replicas N              replicas (default: 1)
  --runtime-class NAME      a sandboxing RuntimeClass of the cluster (required for CONFIDENTIAL)
  --force                   overwrite the file or chart a previous export wrote there
  --json                    print what was written (or, for stdout, the objects) as JSON
  -h, --help                show this help

Exit codes: 0 written, 1 failed (no such agent or version, files in the way), 2 usage error.`;

/** `agentdock export`. */
export async function runExport(argv: string[], terminal: Terminal): Promise<number> {
  const { values, positionals } = parseCommandArguments(
    'export',
    argv,
    {
      format: { type: 'string' },
      out: { type: 'string' },
      namespace: { type: 'string' },
      image: { type: 'string' },
      trust: { type: 'string' },
      replicas: { type: 'string' },
      'runtime-class': { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    2,
  );
  if (values.help) return (terminal.out(exportHelp), EXIT.ok);
  const [agent, version] = positionals;
  if (!agent || !version) throw new UsageError('name the agent and the version, e.g. agentdock export doc-summarizer v3 --format manifests', 'export');
  const format = values.format;
  if (!(FORMATS as readonly (string | undefined)[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`, 'export');
  const options = exportOptions(values);
  const json = Boolean(values.json);
  const done = (files: string[], human: string): number => {
    terminal.out(json ? JSON.stringify({ ok: true, format, files }, null, 2) : `${paint(terminal, 'green', '✓')} ${human}`);
    return EXIT.ok;
  };
  return withControlPlane('export', terminal, json, async (plane) => {
    const exported = exportAgent(await loadExportSource(plane.repositories, plane.dataDir, agent, version), options);
    const name = `${exported.state.resourceName}-${exported.state.version}`;
    if (format === 'manifests') {
      const text = manifestsYaml(exported);
      if (values.out === undefined) {
        terminal.out(json ? JSON.stringify({ ok: true, format, objects: exported.objects }, null, 2) : text.replace(/\n$/, ''));
        return EXIT.ok;
      }
      const file = path.resolve(values.out, `${name}.yaml`);
      if (existsSync(file) && !values.force) return refuse(terminal, `${file} already exists`);
      const written = await writeExportFiles(path.dirname(file), { [path.basename(file)]: text });
      return done(written, `wrote ${file} (${exported.objects.length} objects; fill the Secret's secrets.json before applying, see its comment)`);
    }
    const chart = helmChart(exported);
    const dir = path.resolve(values.out ?? '.', chart.name);
    if (hasFiles(dir) && !values.force) return refuse(terminal, `${dir} already holds files`);
    const written = await writeExportFiles(dir, chart.files);
    return done(written, `wrote the Helm chart ${chart.name} ${exported.state.version} to ${dir} (see its README.md for secrets)`);
  });
}

function exportOptions(values: Record<string, unknown>): ExportOptions {
  const namespace = values.namespace as string | undefined;
  if (namespace !== undefined && !isDnsLabel(namespace)) throw new UsageError(`--namespace ${JSON.stringify(namespace)} is not a namespace name: lower-case letters, digits and '-', at most 63 characters`, 'export');
  const trust = trustLevel('export', values.trust);
  const replicas = wholeNumber('export', 'replicas', values.replicas, 1, 100) ?? 1;
  const image = values.image as string | undefined;
  // No whitespace or line break can reach the YAML or a template.
  const imageProblem = image === undefined ? undefined : imageRefProblem(image);
  if (imageProblem) throw new UsageError(`--image ${imageProblem}`, 'export');
  const runtimeClass = values['runtime-class'] as string | undefined;
  if (runtimeClass !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(runtimeClass)) throw new UsageError(`--runtime-class ${JSON.stringify(runtimeClass)} is not a RuntimeClass name`, 'export');
  return {
    trust,
    replicas,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(image !== undefined ? { image } : {}),
    ...(runtimeClass !== undefined ? { runtimeClassName: runtimeClass } : {}),
  };
}

function hasFiles(dir: string): boolean {
  return existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0);
}

function refuse(terminal: Terminal, what: string): number {
  terminal.err(`agentdock export: ${what}; export elsewhere with --out, or add --force to overwrite it.`);
  return EXIT.failed;
}
