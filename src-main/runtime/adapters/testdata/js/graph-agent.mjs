// A real LangGraph.js StateGraph: plan a tool call, run it through ToolNode, answer with a streaming model.
import { writeFileSync } from 'node:fs';
import { Annotation, END, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { AIMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { z } from 'zod';

const State = Annotation.Root({ ...MessagesAnnotation.spec, marker: Annotation() });

/** Writes a marker file: the side effect a denied call must never have. */
export const writeMarker = tool(
  async ({ path }) => {
    writeFileSync(path, 'the tool ran');
    return `wrote ${path}`;
  },
  { name: 'write_marker', description: 'Writes a marker file.', schema: z.object({ path: z.string() }) },
);

function plan(state) {
  return { messages: [new AIMessage({ content: '', tool_calls: [{ name: 'write_marker', args: { path: state.marker }, id: 'call_marker', type: 'tool_call' }] })] };
}

async function answer(state, config) {
  const model = new FakeListChatModel({ responses: ['It is sunny.'], sleep: 0 });
  return { messages: [await model.invoke(state.messages, config)] };
}

export function makeBuilder() {
  return new StateGraph(State)
    .addNode('plan', plan)
    .addNode('tools', new ToolNode([writeMarker]))
    .addNode('answer', answer)
    .addEdge(START, 'plan')
    .addEdge('plan', 'tools')
    .addEdge('tools', 'answer')
    .addEdge('answer', END);
}

export const builder = makeBuilder();
export const graph = makeBuilder().compile();
export const buildGraph = async () => makeBuilder().compile();
