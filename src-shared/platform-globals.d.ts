// src-shared is platform-free: it is type-checked with no DOM and no Node types, so the few
// web-standard globals that every runtime we target (Node 22, Electron's renderer, browsers)
// provides are declared here rather than pulled in through a platform's type package.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare const performance: { now(): number };
interface AbortSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
