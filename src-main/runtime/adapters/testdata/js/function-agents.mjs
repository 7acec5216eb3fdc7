// Plain functions, generators and factories, and agents that misbehave on purpose.
import { writeFileSync } from 'node:fs';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';

export async function echo(input, config) {
  return { echo: input, trace: config.metadata.agentdock_trace_id, mode: config.configurable.mode };
}

export async function* words(input) {
  for (const word of input.text.split(' ')) yield `${word} `;
}

export async function* progress(input) {
  for (let n = 1; n <= input.count; n += 1) yield { done: n };
}

export const makeAgent = () => async (input) => ({ made: input.value });

export function fortyTwo() {
  return 42;
}

export async function fail(_input) {
  throw new RangeError('the agent could not cope');
}

/** Ignores its abort signal: the adapter must still answer at once when the run is cancelled. */
export function waitForever(_input) {
  return new Promise(() => {});
}

const touch = tool(
  async ({ path }) => {
    writeFileSync(path, 'touched');
    return 'touched';
  },
  { name: 'touch', description: 'Creates a file.', schema: z.object({ path: z.string() }) },
);

/** Calls a tool without forwarding config: the adapter's implicit LangChain config must gate it. */
export async function usesToolWithoutConfig(input) {
  return { result: await touch.invoke({ path: input.marker }) };
}

export async function fetchUrl(input) {
  const response = await fetch(input.url, { method: 'POST', body: '{}' });
  return { status: response.status };
}

export const notAnAgent = 'text';
