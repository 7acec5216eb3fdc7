/**
 * Agent outputs become plain JSON before they leave the adapter: the output schema, the policy
 * engine and HTTP clients see data, not LangChain class instances (whose `toJSON()` is LangChain's
 * constructor-serialisation format). The Python adapter applies the same rules, so a message looks
 * the same whichever language produced it: `{type, content, name?, id?, tool_calls?, tool_call_id?}`.
 */

const MAX_DEPTH = 64;

/** Converts any agent value to JSON-safe data (messages flattened, non-finite numbers → null). */
export function toPlainJson(value: unknown): unknown {
  return convert(value, 0, new WeakSet());
}

/** The text of a LangChain message content: a string, or the text blocks of a block list. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => (typeof block === 'string' ? block : isRecord(block) && block.type === 'text' && typeof block.text === 'string' ? block.text : ''))
    .join('');
}

/** The role of a LangChain message (`ai`, `human`, `tool`, `system`…), or undefined for anything else. */
export function messageType(value: unknown): string | undefined {
  if (!isRecord(value) || !('content' in value)) return undefined;
  const getType = value._getType;
  if (typeof getType === 'function') {
    const type: unknown = getType.call(value);
    if (typeof type === 'string') return type;
  }
  const namespace = value.lc_namespace;
  if (Array.isArray(namespace) && namespace.includes('messages') && typeof value.type === 'string') return value.type;
  return undefined;
}

function convert(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
      return null;
    default:
      break;
  }
  if (depth >= MAX_DEPTH) return '[Truncated]';
  const object = value as object;
  if (seen.has(object)) return '[Circular]';
  seen.add(object);
  try {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
    if (Array.isArray(value) || value instanceof Set) return [...value].map((item) => convert(item, depth + 1, seen));
    if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [String(key), convert(item, depth + 1, seen)]));
    if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    const type = messageType(value);
    if (type !== undefined) return messageToPlain(type, value as Record<string, unknown>, depth, seen);
    const record = value as Record<string, unknown>;
    if (typeof record.toJSON === 'function') return convert(record.toJSON(), depth + 1, seen);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(record)) {
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      out[key] = convert(item, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(object);
  }
}

function messageToPlain(type: string, message: Record<string, unknown>, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = { type, content: convert(message.content, depth + 1, seen) };
  if (typeof message.name === 'string' && message.name) out.name = message.name;
  if (typeof message.id === 'string' && message.id) out.id = message.id;
  if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) {
    out.tool_calls = message.tool_calls.map((call: unknown) => {
      const record = isRecord(call) ? call : {};
      return { id: record.id ?? null, name: record.name ?? null, args: convert(record.args, depth + 2, seen) };
    });
  }
  if (typeof message.tool_call_id === 'string') out.tool_call_id = message.tool_call_id;
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
