import type { ReactNode } from 'react';
import { useCan } from '../../console/use-role';
import { CreateProjectForm } from './create-project-form';
import { EnvironmentFacts } from './environment-facts';
import { OpenProjectForm } from './open-project-form';
import { RunDemoCard } from './run-demo-card';

/** First run (the fleet is empty): open a project, see what this machine can deploy to. */
export function WelcomeView(): ReactNode {
  const canOpen = useCan('project:open');
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <h1 id="welcome-title">Welcome to AgentDock</h1>
      <p className="lede">
        Declare an LLM agent in a Dockfile, validate it as you type, deploy it as an immutable version to a local process, Docker or Kubernetes, and roll it
        back with one click. No agents are deployed yet.
      </p>
      <RunDemoCard />
      {canOpen ? (
        <>
          <h2>Open an agent project</h2>
          <OpenProjectForm autoFocus />
          <h2>Or create one</h2>
          <CreateProjectForm />
        </>
      ) : (
        <p className="muted">Your role (viewer) can watch agents but not open projects or deploy. Ask an admin for developer access.</p>
      )}
      <h2>This machine</h2>
      <EnvironmentFacts />
    </section>
  );
}
