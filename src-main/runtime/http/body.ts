/**
 * Request bodies: bounded before they are buffered (a client cannot make the runtime hold more
 * than `maxBytes`), JSON only, parsed as `unknown`.
 */
import type { IncomingMessage } from 'node:http';
import { RuntimeHttpError } from './errors';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Reads the raw body, refusing more than `maxBytes` (by Content-Length up front, or as it streams). */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    req.resume();
    throw new RuntimeHttpError('PayloadTooLarge', `the request body is ${declared} bytes; the limit is ${maxBytes}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      req.resume();
      throw new RuntimeHttpError('PayloadTooLarge', `the request body is larger than the limit of ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads and parses a JSON body. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = String(req.headers['content-type'] ?? 'application/json');
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    req.resume();
    throw new RuntimeHttpError('UnsupportedMediaType', `send the input as application/json (got ${type.slice(0, 80)})`);
  }
  const raw = await readBody(req, maxBytes);
  if (raw.length === 0) throw new RuntimeHttpError('InvalidJson', 'the request body is empty; send the input as a JSON object');
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (error) {
    throw new RuntimeHttpError('InvalidJson', `the request body is not valid JSON: ${(error as Error).message}`);
  }
}
