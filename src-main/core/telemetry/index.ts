/** Telemetry ingest and fleet metrics (README.md beside this file). */
export * from './backoff';
export * from './event-stream-client';
export * from './fleet-metrics';
export * from './fleet-replicas';
export * from './ingest-batcher';
export * from './metrics-scraper';
export * from './prometheus-parser';
export * from './replica-subscription';
export * from './runtime-event';
export * from './sse-parser';
export * from './telemetry-log';
export * from './telemetry-service';
