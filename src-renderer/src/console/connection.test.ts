import { describe, expect, it } from 'vitest';
import type { ConsoleTransport } from '../../../src-shared/ipc/client';
import { SERVE_SOCKET_PATH, SERVE_TOKEN_PROTOCOL_PREFIX } from '../../../src-shared/ipc/transport-constants';
import { chooseTransport, hashWithoutToken, reconnectDelay, socketUrl, tokenFromHash } from './connection';

const preload: ConsoleTransport = { send: () => undefined, onMessage: () => () => undefined, onClose: () => () => undefined };
const page = (hash: string, protocol = 'http:') => ({ protocol, host: '127.0.0.1:7420', hash });


describe('tokenFromHash', () => {
  it('reads #token= among other fragment parameters', () => {
    expect(tokenFromHash('#token=abcDEF123_-.~xyz')).toBe('abcDEF123_-.~xyz');
    expect(tokenFromHash('#view=agents&token=0123456789abcdef')).toBe('0123456789abcdef');
  });

  it('refuses missing, short or strange tokens', () => {
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash('#token=')).toBeNull();
    expect(tokenFromHash('#token=short')).toBeNull();
    expect(tokenFromHash('#token=has%20space1234')).toBeNull();
  });

  it('strips only the token from the fragment', () => {
    expect(hashWithoutToken('#token=0123456789abcdef')).toBe('');
    expect(hashWithoutToken('#view=agents&token=0123456789abcdef')).toBe('#view=agents');
  });
});

describe('chooseTransport', () => {
  it('prefers the Electron preload', () => {
    expect(chooseTransport({ api: preload, location: page('#token=0123456789abcdef'), storedToken: null })).toEqual({ kind: 'electron', transport: preload });
  });

  it('opens a WebSocket with the token as subprotocol, from the fragment first, then storage', () => {
    expect(chooseTransport({ location: page('#token=fragmenttoken1'), storedToken: 'storedtoken123' })).toEqual({
      kind: 'websocket',
      url: `ws://127.0.0.1:7420${SERVE_SOCKET_PATH}`,
      protocol: `${SERVE_TOKEN_PROTOCOL_PREFIX}fragmenttoken1`,
      token: 'fragmenttoken1',
    });
    expect(chooseTransport({ location: page(''), storedToken: 'storedtoken123' })).toMatchObject({ token: 'storedtoken123' });
  });

  it('uses wss on https and is signed out without any token', () => {
    expect(socketUrl({ protocol: 'https:', host: 'console.example:443' })).toBe(`wss://console.example:443${SERVE_SOCKET_PATH}`);
    expect(chooseTransport({ location: page(''), storedToken: null })).toEqual({ kind: 'signed-out' });
  });
});

describe('reconnectDelay', () => {
  it('doubles from half a second and caps at fifteen', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map(reconnectDelay)).toEqual([500, 1000, 2000, 4000, 8000, 15_000, 15_000]);
  });
});
