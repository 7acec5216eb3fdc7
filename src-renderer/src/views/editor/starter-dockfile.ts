/** The buffer the editor starts with when no project is open: a small valid Dockfile to edit. */
export const STARTER_DOCKFILE = `version: "1.0"
agent:
  name: my_agent
  description: "What this agent does"
  entrypoint: src.agent:build_graph
  framework: langgraph
model:
  provider: openai
  name: gpt-4o-mini
io_schema:
  input:
    type: object
    properties: { query: { type: string } }
  output:
    type: object
    properties: { answer: { type: string } }
auth:
  mode: api_key
  api_keys: { enabled: true }
expose:
  rest: true
`;

/** The path the unsaved buffer is validated under (nothing is read from it). */
export const UNTITLED_FILE = '/untitled/Dockfile.yaml';
