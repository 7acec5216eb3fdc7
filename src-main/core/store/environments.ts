/** Deployment environments: secrets are kept per environment and agents receive only their own. */
import { CoreError } from '../contracts';

export const ENVIRONMENTS = ['dev', 'prod'] as const;

export type Environment = (typeof ENVIRONMENTS)[number];

const ALIASES: Record<string, Environment> = { dev: 'dev', development: 'dev', prod: 'prod', production: 'prod' };

/** `dev`/`development` → dev, `prod`/`production` → prod (any case); anything else is E2001. */
export function parseEnvironment(text: string): Environment {
  const environment = ALIASES[text.trim().toLowerCase()];
  if (!environment) throw new CoreError('E2001', `Unknown environment "${text}": use dev or prod.`, { environment: text });
  return environment;
}
