import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { allowedHostsFor, authorize, cookieName, sameServerLocation } from './auth.js';

const token = 'A'.repeat(43);
const hosts = allowedHostsFor('127.0.0.1', 4820);
function req(url: string, headers: Record<string, string> = {}): IncomingMessage {
  return { url, headers: { host: '127.0.0.1:4820', ...headers } } as unknown as IncomingMessage;
}

describe('authorize', () => {
  it('accepts the token in the query, a cookie named for the port, or a bearer header', () => {
    expect(authorize(req(`/?token=${token}`), token, hosts, 4820)).toEqual({ ok: true, via: 'query' });
    expect(authorize(req('/', { cookie: `other=1; ${cookieName(4820)}=${token}` }), token, hosts, 4820)).toEqual({
      ok: true,
      via: 'cookie',
    });
    expect(authorize(req('/', { authorization: `Bearer ${token}` }), token, hosts, 4820)).toEqual({ ok: true, via: 'header' });
  });

  it('refuses a missing token, a wrong one, and a cookie for another port', () => {
    expect(authorize(req('/'), token, hosts, 4820)).toMatchObject({ ok: false, status: 401 });
    expect(authorize(req(`/?token=${token}x`), token, hosts, 4820)).toMatchObject({ ok: false, status: 401 });
    expect(authorize(req('/', { cookie: `${cookieName(4821)}=${token}` }), token, hosts, 4820)).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a foreign Origin and a rebinding Host with 403 before looking at the token', () => {
    expect(authorize(req(`/?token=${token}`, { origin: 'https://attacker.example' }), token, hosts, 4820)).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(authorize(req(`/?token=${token}`, { origin: 'null' }), token, hosts, 4820)).toMatchObject({ ok: false, status: 403 });
    expect(authorize(req(`/?token=${token}`, { host: 'attacker.example:4820' }), token, hosts, 4820)).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(
      authorize(req(`/?token=${token}`, { origin: 'http://localhost:4820', host: 'localhost:4820' }), token, hosts, 4820),
    ).toMatchObject({ ok: true });
  });

  it('refuses our host under another scheme or with user info in the Origin', () => {
    for (const origin of [
      'https://127.0.0.1:4820',
      'http://user@127.0.0.1:4820',
      'http://user:pw@127.0.0.1:4820',
      'http://127.0.0.1:4820/path',
    ]) {
      expect([origin, authorize(req(`/?token=${token}`, { origin }), token, hosts, 4820)]).toMatchObject([
        origin,
        { ok: false, status: 403 },
      ]);
    }
    expect(authorize(req(`/?token=${token}`, { origin: 'http://127.0.0.1:4820' }), token, hosts, 4820)).toMatchObject({ ok: true });
  });
});

describe('the redirect that drops the token from the address bar', () => {
  it('stays on this server whatever the path looks like', () => {
    const at = (path: string) => sameServerLocation(new URL(path, 'http://placeholder'));
    expect(at('/.//evil.example/?x=1')).toBe('/evil.example/?x=1');
    expect(at('//evil.example/')).toBe('/');
    expect(at('/%5C%5Cevil.example/')).toBe('/%5C%5Cevil.example/');
    expect(at('/topics?tab=1')).toBe('/topics?tab=1');
    expect(at('/')).toBe('/');
  });
});
