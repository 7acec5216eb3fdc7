/**
 * Request bodies: bounded before they are buffered (a client cannot make the runtime hold more
 * than `maxBytes`), JSON only, parsed as `unknown`.
 */
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, readRequestBody } from '../read-body';
import { RuntimeHttpError } from './errors';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Reads the raw body, refusing more than `maxBytes` (by Content-Length up front, or as it streams). */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  try {
    return await readRequestBody(req, maxBytes);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    // Drain what is left so the 413 can still be written on this connection.
    req.resume();
    throw new RuntimeHttpError('PayloadTooLarge', `${error.message}; send less`);
  }
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
