import { describe, expect, it } from 'vitest';
import { serveSocketUrl } from './index.js';

describe('serveSocketUrl', () => {
  it('uses wss behind https and ws otherwise, on the same host', () => {
    expect(serveSocketUrl({ protocol: 'https:', host: 'wb.example:8443' })).toBe('wss://wb.example:8443/ws');
    expect(serveSocketUrl({ protocol: 'http:', host: '127.0.0.1:5173' })).toBe('ws://127.0.0.1:5173/ws');
  });
});
