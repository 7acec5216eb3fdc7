// The lead-generation agent: one LangGraph run per lead.
//
//   receive → research (LinkedIn + Clearbit tools) → qualify (gpt-4o-mini, JSON)
//           → qualified? brief (o1: research brief + outreach e-mail) → done : done
//
// Models are called with the official OpenAI SDK. The AgentDock runtime points OPENAI_BASE_URL at
// its own LLM proxy, which holds the real key, meters and prices every token against the budget,
// and redacts personal data in the answers; the agent never sees a provider key. Progress goes
// to the control panel through the runtime's SDK (`23 / 100 leads`).
import { readFileSync } from 'node:fs';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import OpenAI from 'openai';
import { reportProgress } from '@agentdock/sdk';
import { leadClock } from './lead-clock.mjs';
import { clearbitCompany, linkedinProfile } from './tools.mjs';

const PLAYBOOK = readFileSync(new URL('./playbook.md', import.meta.url), 'utf8');
const QUALIFY_MODEL = 'gpt-4o-mini';
const BRIEF_MODEL = 'o1';
/** Minimum score for a lead to get a research brief and an e-mail. */
const QUALIFYING_SCORE = 60;

/** What a caller sends (the Dockfile's io_schema.input). */
const Input = Annotation.Root({ lead: Annotation(), total: Annotation(), at_ms: Annotation() });
/** What a caller gets back (io_schema.output); research notes stay inside the run. */
const Output = Annotation.Root({
  lead_id: Annotation(),
  score: Annotation(),
  qualified: Annotation(),
  reason: Annotation(),
  outreach: Annotation(),
  sources: Annotation({ reducer: (left, right) => ({ ...left, ...right }), default: () => ({}) }),
});
const State = Annotation.Root({ ...Input.spec, ...Output.spec, profile: Annotation(), company: Annotation() });

const openai = new OpenAI({ maxRetries: 2 });

function receive(state) {
  leadClock.advanceTo(state.at_ms);
  return { lead_id: state.lead.id };
}

async function research(state, config) {
  const { lead } = state;
  const [person, account] = await Promise.all([
    linkedinProfile.invoke({ handle: lead.linkedin, name: lead.name, title: lead.title, company: lead.company }, config),
    clearbitCompany.invoke({ domain: lead.domain }, config),
  ]);
  return { profile: person.profile, company: account.company, sources: { linkedin: person.source, clearbit: account.source } };
}

function dossier(state) {
  const { lead, profile, company } = state;
  return JSON.stringify({ lead: { id: lead.id, name: lead.name, title: lead.title, company: lead.company, country: lead.country }, profile, company }, null, 2);
}

async function qualify(state) {
  const completion = await openai.chat.completions.create({
    model: QUALIFY_MODEL,
    temperature: 0,
    max_tokens: 200,
    response_format: { type: 'json_object' },
    messages: [
      { role: 'system', content: 'You qualify B2B leads for a developer-tools company. Answer JSON: {"score": 0-100, "qualified": boolean, "reason": string}.' },
      { role: 'user', content: `Lead ${state.lead.id}:\n${dossier(state)}` },
    ],
  });
  const verdict = JSON.parse(completion.choices[0]?.message?.content ?? '{}');
  const score = Number.isInteger(verdict.score) ? verdict.score : 0;
  return { score, qualified: score >= QUALIFYING_SCORE, reason: String(verdict.reason ?? '') };
}

async function brief(state) {
  const completion = await openai.chat.completions.create({
    model: BRIEF_MODEL,
    max_completion_tokens: 12_000,
    messages: [
      { role: 'system', content: PLAYBOOK },
      { role: 'user', content: `Research lead ${state.lead.id} and write the first outreach e-mail. End with a line "EMAIL:" followed by the e-mail.\n\n${dossier(state)}` },
    ],
  });
  const text = completion.choices[0]?.message?.content ?? '';
  const marker = text.lastIndexOf('EMAIL:');
  return { outreach: (marker >= 0 ? text.slice(marker + 'EMAIL:'.length) : text).trim() };
}

function done(state) {
  reportProgress({ done: state.lead.index, total: state.total ?? state.lead.index, unit: 'leads' });
  return {};
}

export const graph = new StateGraph({ stateSchema: State, input: Input, output: Output })
  .addNode('receive', receive)
  .addNode('research', research)
  .addNode('qualify', qualify)
  .addNode('brief', brief)
  .addNode('done', done)
  .addEdge(START, 'receive')
  .addEdge('receive', 'research')
  .addEdge('research', 'qualify')
  .addConditionalEdges('qualify', (state) => (state.qualified ? 'brief' : 'done'), ['brief', 'done'])
  .addEdge('brief', 'done')
  .addEdge('done', END)
  .compile();
