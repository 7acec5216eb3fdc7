/**
 * A `/events` frame → the runtime's TelemetryEvent (runtime/contracts.ts), checked field by field:
 * the stream comes from a process running user code, so anything may arrive and nothing in it may
 * stop ingest. Control frames (`reset`, `dropped`) are recognised separately.
 */
import type { TelemetryEvent } from '../../runtime/contracts';
import type { SseFrame } from './sse-parser';

/** Why a frame was not stored (counted per reason in the service's stats). */
export type DropReason = 'invalid_json' | 'invalid_id' | 'invalid_shape' | 'id_mismatch' | 'oversized';

export type ParsedFrame =
  | { kind: 'event'; event: TelemetryEvent }
  | { kind: 'reset'; requestedId: number; lastId: number }
  | { kind: 'dropped'; reason: string; lastEventId: number | undefined }
  | { kind: 'ignored' }
  | { kind: 'invalid'; reason: DropReason; detail: string };

/** Data larger than this is dropped: one event must not bloat the database (the runtime's are < 4 KiB). */
const MAX_EVENT_DATA_CHARS = 256 * 1024;

/** Classifies and validates one frame. */
export function parseFrame(frame: SseFrame): ParsedFrame {
  if (frame.event === 'reset' || frame.event === 'dropped') {
    const body = parseJson(frame.data);
    if (!isRecord(body)) return { kind: 'invalid', reason: 'invalid_json', detail: `${frame.event} frame without a JSON object` };
    if (frame.event === 'reset') {
      const requestedId = body.requestedId;
      const lastId = body.lastId;
      if (!isEventId(requestedId) && requestedId !== -1) return { kind: 'invalid', reason: 'invalid_shape', detail: 'reset frame without requestedId' };
      if (!isEventId(lastId)) return { kind: 'invalid', reason: 'invalid_shape', detail: 'reset frame without lastId' };
      return { kind: 'reset', requestedId: requestedId as number, lastId };
    }
    return { kind: 'dropped', reason: typeof body.reason === 'string' ? body.reason : 'unknown', lastEventId: isEventId(body.lastEventId) ? body.lastEventId : undefined };
  }
  if (frame.id === undefined) return { kind: 'ignored' };
  if (frame.data.length > MAX_EVENT_DATA_CHARS) return { kind: 'invalid', reason: 'oversized', detail: `event ${frame.id} has ${frame.data.length} characters of data` };
  const id = Number(frame.id);
  if (frame.id.trim() === '' || !isEventId(id) || id === 0) return { kind: 'invalid', reason: 'invalid_id', detail: `id ${JSON.stringify(frame.id.slice(0, 40))} is not a positive integer` };
  const body = parseJson(frame.data);
  if (body === undefined) return { kind: 'invalid', reason: 'invalid_json', detail: `event ${id} data is not JSON` };
  if (!isRecord(body) || typeof body.type !== 'string' || body.type === '' || typeof body.time !== 'string' || !isRecord(body.data)) {
    return { kind: 'invalid', reason: 'invalid_shape', detail: `event ${id} is not {type, time, data}` };
  }
  if (body.id !== id) return { kind: 'invalid', reason: 'id_mismatch', detail: `frame id ${id} but event id ${String(body.id)}` };
  const event: TelemetryEvent = {
    id,
    type: body.type as TelemetryEvent['type'],
    time: body.time,
    agent: typeof body.agent === 'string' ? body.agent : '',
    version: typeof body.version === 'string' ? body.version : '',
    data: body.data,
  };
  if (typeof body.traceId === 'string' && body.traceId.length <= 200) event.traceId = body.traceId;
  return { kind: 'event', event };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEventId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
