// An agent that reports progress through the AgentDock SDK, imported by name as any agent does
// (the runtime maps '@agentdock/sdk' to the sdk.js built beside it), and, when asked, calls its
// model through the runtime's LLM proxy with the official OpenAI SDK: the budget applies to that call.
import OpenAI from 'openai';
import { reportProgress } from '@agentdock/sdk';

export async function run(input) {
  const accepted = (input.reports ?? []).map((report) => reportProgress(report));
  if (!input.ask) return { accepted };
  const completion = await new OpenAI({ maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user', content: input.ask }] });
  return { accepted, answer: completion.choices[0]?.message?.content ?? '' };
}
