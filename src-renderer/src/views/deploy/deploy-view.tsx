import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { DeployProgress, TargetKind } from '../../../../src-shared/ipc/console-types';
import { callConsole, useConsoleQuery } from '../../console/requests';
import { useUi } from '../../state/ui-store';
import { DeployProgressPanel } from './deploy-progress-panel';
import type { DeployRun } from './deploy-progress-panel';
import { newIdempotencyKey } from './idempotency-key';
import { initialContext, namespaceProblem, parseAutoscale } from './kube-placement-model';
import { KubernetesPlacement } from './kubernetes-placement';
import type { KubePlacementDraft } from './kubernetes-placement';

interface TargetOption {
  target: TargetKind;
  label: string;
  available: boolean;
  note: string;
}

/** Deploy a project: directory, target (Kubernetes: context and namespace), environment → the stepper, the build log, cancel, the result. */
export function DeployView(): ReactNode {
  const project = useUi((state) => state.project);
  const queryClient = useQueryClient();
  const detect = useConsoleQuery('environment:detect', {}, { staleTime: 60_000 });
  const [projectDir, setProjectDir] = useState(project?.projectDir ?? '');
  const [target, setTarget] = useState<TargetKind>('process');
  const [environment, setEnvironment] = useState<'dev' | 'prod'>('dev');
  // Empty until Kubernetes is chosen: choosing it opens the current context (and only then contacts it).
  const [kube, setKube] = useState<KubePlacementDraft>({ context: '', namespace: '', minReplicas: '', maxReplicas: '' });
  const [progress, setProgress] = useState<DeployProgress[]>([]);
  const [run, setRun] = useState<DeployRun | null>(null);
  const controller = useRef<AbortController | null>(null);

  // Leaving the view cancels a running deploy (main stops it and cleans up what it started).
  useEffect(() => () => controller.current?.abort(), []);

  const kubeContexts = detect.data?.kubernetes.contexts ?? [];
  const chooseTarget = (next: TargetKind): void => {
    setTarget(next);
    const opened = initialContext(kubeContexts);
    if (next === 'kubernetes' && kube.context === '' && opened) setKube({ ...kube, context: opened.name, namespace: opened.namespace });
  };
  const autoscale = parseAutoscale(kube.minReplicas, kube.maxReplicas);
  const kubeReady = target !== 'kubernetes' || (kube.context !== '' && namespaceProblem(kube.namespace) === null && autoscale.ok);

  const options: TargetOption[] = [
    { target: 'process', label: 'Local process', available: true, note: 'always available' },
    {
      target: 'docker',
      label: 'Docker',
      available: detect.data?.docker.available ?? false,
      note: detect.data ? (detect.data.docker.available ? `engine ${detect.data.docker.version ?? ''}` : (detect.data.docker.problem ?? 'no Docker engine found')) : 'detecting…',
    },
    {
      target: 'kubernetes',
      label: 'Kubernetes',
      available: (detect.data?.kubernetes.contexts.length ?? 0) > 0,
      note: detect.data
        ? detect.data.kubernetes.contexts.length > 0
          ? `${kubeContexts.length} context${kubeContexts.length === 1 ? '' : 's'}${detect.data.docker.available ? '' : ' · images need Docker, which is not reachable'}`
          : (detect.data.kubernetes.problem ?? 'no kubeconfig context found')
        : 'detecting…',
    },
  ];

  const deploy = async (): Promise<void> => {
    const abort = new AbortController();
    controller.current = abort;
    setProgress([]);
    setRun({ state: 'running' });
    try {
      const outcome = await callConsole(
        'deploy:create',
        {
          projectDir: projectDir.trim(),
          target,
          environment,
          idempotencyKey: newIdempotencyKey(),
          ...(target === 'kubernetes' ? { kubernetes: { context: kube.context, namespace: kube.namespace, ...(autoscale.ok && autoscale.value ? { autoscale: autoscale.value } : {}) } } : {}),
        },
        { signal: abort.signal, onProgress: (item) => setProgress((current) => [...current, item]) },
      );
      setRun({ state: 'succeeded', outcome });
    } catch (error) {
      setRun({ state: 'failed', error });
    } finally {
      if (controller.current === abort) controller.current = null;
      void queryClient.invalidateQueries({ queryKey: ['agents:list'] });
      // The deploy may have created the namespace: the opened context's list is asked again.
      if (target === 'kubernetes') void queryClient.invalidateQueries({ queryKey: ['kube:namespaces'] });
    }
  };

  const running = run?.state === 'running';
  return (
    <section className="deploy" aria-labelledby="deploy-title">
      <div className="view-header">
        <h1 id="deploy-title">Deploy</h1>
      </div>
      <form
        className="stack deploy-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (!running && projectDir.trim() && kubeReady) void deploy();
        }}
      >
        <label className="field">
          <span>Project directory</span>
          <input className="input mono" value={projectDir} onChange={(event) => setProjectDir(event.target.value)} placeholder="/home/me/agents/support-bot" spellCheck={false} required disabled={running} />
        </label>
        <fieldset className="targets" disabled={running}>
          <legend>Target</legend>
          {options.map((option) => (
            <label key={option.target} className={option.available ? 'target-option' : 'target-option unavailable'}>
              <input type="radio" name="target" value={option.target} checked={target === option.target} disabled={!option.available} onChange={() => chooseTarget(option.target)} />
              <span>{option.label}</span>
              <small className="muted">{option.note}</small>
            </label>
          ))}
        </fieldset>
        {target === 'kubernetes' && kube.context !== '' ? <KubernetesPlacement contexts={kubeContexts} draft={kube} onChange={setKube} disabled={running} /> : null}
        <label className="field inline">
          <span>Environment</span>
          <select className="input" value={environment} onChange={(event) => setEnvironment(event.target.value as 'dev' | 'prod')} disabled={running}>
            <option value="dev">dev</option>
            <option value="prod">prod</option>
          </select>
        </label>
        <div className="actions">
          <button type="submit" className="button primary" disabled={running || !projectDir.trim() || !kubeReady}>
            Deploy
          </button>
          {running ? (
            <button type="button" className="button" onClick={() => controller.current?.abort()}>
              Cancel
            </button>
          ) : null}
        </div>
      </form>
      {run ? <DeployProgressPanel title="Deploy" progress={progress} run={run} kind="deploy" /> : null}
    </section>
  );
}
