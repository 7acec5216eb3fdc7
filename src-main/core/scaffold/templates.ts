/**
 * Starter agent projects for `agentdock init`: a real LangGraph or LangChain agent in Python or
 * TypeScript, with a Dockfile that validates with no warnings. The agent reaches its model through
 * the AgentDock runtime's LLM proxy (OPENAI_BASE_URL), so it never holds a provider key.
 */
import type { FRAMEWORKS } from '../../../src-shared/dockfile/schema';

export type Framework = (typeof FRAMEWORKS)[number];
export type ScaffoldLanguage = 'python' | 'typescript';

export interface ScaffoldFile {
  /** Path relative to the project directory, forward slashes. */
  path: string;
  content: string;
}

export interface TemplateInput {
  name: string;
  framework: Framework;
  language: ScaffoldLanguage;
}

/** Every file of a starter project. */
export function scaffoldFiles(input: TemplateInput): ScaffoldFile[] {
  const code = input.language === 'python' ? pythonFiles(input) : typescriptFiles(input);
  return [{ path: 'Dockfile.yaml', content: dockfile(input) }, ...code, { path: '.env.example', content: envExample() }, { path: '.gitignore', content: gitignore(input.language) }];
}

function entrypoint({ framework, language }: TemplateInput): string {
  if (language === 'python') return framework === 'langgraph' ? 'agent.graph:build_graph' : 'agent.chain:build_chain';
  return framework === 'langgraph' ? 'src/agent:graph' : 'src/agent:chain';
}

function dockfile(input: TemplateInput): string {
  return `# AgentDock Dockfile v1 — reference: docs/dockfile.md in the AgentDock repository.
# Check it with \`agentdock validate\`; deploy it with \`agentdock deploy\`.
version: "1.0"

agent:
  name: ${input.name}
  description: "Answers questions about a document"
  entrypoint: ${entrypoint(input)}
  framework: ${input.framework}

model:
  provider: openai
  name: gpt-4o-mini
  temperature: 0.2
  max_tokens: 1000

io_schema:
  input:
    type: object
    required: [question]
    properties:
      question: { type: string, description: "What to ask" }
      document: { type: string, description: "Optional text to answer from" }
  output:
    type: object
    properties:
      answer: { type: string }

policies:
  # No tools are allowed until you list them here: tools.allowed: [search_docs, …]
  safety:
    redact_patterns:
      - '\\b\\d{3}-\\d{2}-\\d{4}\\b'   # US social security numbers
    max_output_chars: 5000
    block_prompt_injection: true

auth:
  mode: api_key
  api_keys:
    enabled: true
    rotation_days: 90

observability:
  tracing: true
  log_level: info

expose:
  rest: true
  streaming: sse
  port: 8080
`;
}

function pythonFiles(input: TemplateInput): ScaffoldFile[] {
  const dependencies =
    input.framework === 'langgraph' ? ['langgraph>=0.2', 'langchain-core>=0.3', 'langchain-openai>=0.2'] : ['langchain-core>=0.3', 'langchain-openai>=0.2'];
  const module =
    input.framework === 'langgraph'
      ? {
          path: 'agent/graph.py',
          content: `"""The agent: a LangGraph graph that answers a question, optionally from a document.

AgentDock serves whatever build_graph() returns; the runtime points OPENAI_BASE_URL at its LLM
proxy, which holds the real provider key, meters tokens and enforces the budget.
"""
from typing import TypedDict

from langchain_core.messages import HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI
from langgraph.graph import END, START, StateGraph


class State(TypedDict, total=False):
    question: str
    document: str
    answer: str


def answer(state: State) -> State:
    model = ChatOpenAI(model="gpt-4o-mini", temperature=0.2)
    context = state.get("document") or "No document was given."
    reply = model.invoke(
        [
            SystemMessage(content="Answer briefly and only from the document when one is given."),
            HumanMessage(content=f"Document:\\n{context}\\n\\nQuestion: {state['question']}"),
        ]
    )
    return {"answer": str(reply.content)}


def build_graph():
    graph = StateGraph(State)
    graph.add_node("answer", answer)
    graph.add_edge(START, "answer")
    graph.add_edge("answer", END)
    return graph.compile()
`,
        }
      : {
          path: 'agent/chain.py',
          content: `"""The agent: a LangChain runnable that answers a question, optionally from a document.

AgentDock serves whatever build_chain() returns; the runtime points OPENAI_BASE_URL at its LLM
proxy, which holds the real provider key, meters tokens and enforces the budget.
"""
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda
from langchain_openai import ChatOpenAI

PROMPT = ChatPromptTemplate.from_messages(
    [
        ("system", "Answer briefly and only from the document when one is given."),
        ("human", "Document:\\n{document}\\n\\nQuestion: {question}"),
    ]
)


def build_chain():
    model = ChatOpenAI(model="gpt-4o-mini", temperature=0.2)
    with_defaults = RunnableLambda(lambda data: {"document": "No document was given.", **data})
    to_output = RunnableLambda(lambda text: {"answer": text})
    return with_defaults | PROMPT | model | StrOutputParser() | to_output
`,
        };
  return [
    { path: 'agent/__init__.py', content: '' },
    module,
    { path: 'requirements.txt', content: `${dependencies.join('\n')}\n` },
  ];
}

function typescriptFiles(input: TemplateInput): ScaffoldFile[] {
  const dependencies: Record<string, string> =
    input.framework === 'langgraph'
      ? { '@langchain/core': '^0.3.0', '@langchain/langgraph': '^0.2.0', '@langchain/openai': '^0.3.0' }
      : { '@langchain/core': '^0.3.0', '@langchain/openai': '^0.3.0' };
  const agent =
    input.framework === 'langgraph'
      ? `/**
 * The agent: a LangGraph graph that answers a question, optionally from a document.
 * AgentDock serves the exported \`graph\`; the runtime points OPENAI_BASE_URL at its LLM proxy,
 * which holds the real provider key, meters tokens and enforces the budget.
 */
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';

const State = Annotation.Root({
  question: Annotation<string>(),
  document: Annotation<string | undefined>(),
  answer: Annotation<string | undefined>(),
});

async function answer(state: typeof State.State): Promise<Partial<typeof State.State>> {
  const model = new ChatOpenAI({ model: 'gpt-4o-mini', temperature: 0.2 });
  const reply = await model.invoke([
    new SystemMessage('Answer briefly and only from the document when one is given.'),
    new HumanMessage(\`Document:\\n\${state.document ?? 'No document was given.'}\\n\\nQuestion: \${state.question}\`),
  ]);
  return { answer: String(reply.content) };
}

export const graph = new StateGraph(State).addNode('answer', answer).addEdge(START, 'answer').addEdge('answer', END).compile();
`
      : `/**
 * The agent: a LangChain runnable that answers a question, optionally from a document.
 * AgentDock serves the exported \`chain\`; the runtime points OPENAI_BASE_URL at its LLM proxy,
 * which holds the real provider key, meters tokens and enforces the budget.
 */
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnableLambda } from '@langchain/core/runnables';
import { ChatOpenAI } from '@langchain/openai';

const prompt = ChatPromptTemplate.fromMessages([
  ['system', 'Answer briefly and only from the document when one is given.'],
  ['human', 'Document:\\n{document}\\n\\nQuestion: {question}'],
]);

const withDefaults = RunnableLambda.from((input: { question: string; document?: string }) => ({ document: 'No document was given.', ...input }));
const toOutput = RunnableLambda.from((answer: string) => ({ answer }));

export const chain = withDefaults
  .pipe(prompt)
  .pipe(new ChatOpenAI({ model: 'gpt-4o-mini', temperature: 0.2 }))
  .pipe(new StringOutputParser())
  .pipe(toOutput);
`;
  const packageJson = {
    name: input.name.replace(/_/g, '-'),
    version: '0.1.0',
    private: true,
    type: 'module',
    dependencies,
    devDependencies: { typescript: '^5.9.0' },
  };
  const tsconfig = {
    compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, outDir: 'dist' },
    include: ['src'],
  };
  return [
    { path: 'src/agent.ts', content: agent },
    { path: 'package.json', content: `${JSON.stringify(packageJson, null, 2)}\n` },
    { path: 'tsconfig.json', content: `${JSON.stringify(tsconfig, null, 2)}\n` },
  ];
}

function envExample(): string {
  return `# Variables the Dockfile reads with \${NAME}. Copy to .env for local runs; keep real secrets in
# the AgentDock vault (\`agentdock secret set\`), never in version control.
OPENAI_API_KEY=
`;
}

function gitignore(language: ScaffoldLanguage): string {
  return language === 'python' ? '.env\n__pycache__/\n.venv/\n' : '.env\nnode_modules/\ndist/\n';
}
