/**
 * The wire protocol under the console contract: the messages a window (or browser tab) and main
 * exchange, the same over Electron IPC and the serve-mode WebSocket. Ids are chosen by the caller
 * and unique per connection. Main parses every client message with `clientMessageSchema` (it
 * arrives as `unknown`); the client trusts main's messages (main is the trusted side).
 *
 *   client → main: request {id, channel, input} · cancel {id} · subscribe {id, stream, input} · unsubscribe {id}
 *   main → client: result {id, result} · progress {id, progress} · event {id, event} · end {id, error?}
 *
 * The transport names (socket path, token subprotocol, IPC channel, size limit) are in
 * transport-constants.ts, free of zod.
 */
import { z } from 'zod';
import type { ConsoleErrorBody, Result } from './envelope';

const id = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const channel = z.string().min(1).max(100);

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('request'), id, channel, input: z.unknown() }).strict(),
  z.object({ type: z.literal('cancel'), id }).strict(),
  z.object({ type: z.literal('subscribe'), id, stream: channel, input: z.unknown() }).strict(),
  z.object({ type: z.literal('unsubscribe'), id }).strict(),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;

export type ServerMessage =
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'progress'; id: number; progress: unknown }
  | { type: 'event'; id: number; event: unknown }
  /** A stream ended: unsubscribed (no error), or failed / refused (error). */
  | { type: 'end'; id: number; error?: ConsoleErrorBody };
