import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function cookieName(port: number): string {
  // Cookies are scoped by host, not port: name them by port so two servers never share one.
  return `kwb_token_${port}`;
}

function sameToken(given: string | undefined | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export type AuthResult = { ok: true; via: 'query' | 'cookie' | 'header' } | { ok: false; status: 401 | 403; reason: string };

/**
 * Every HTTP and WebSocket request must carry the token (query, cookie or bearer header), come for
 * one of our host names (no DNS rebinding) and, when a browser sends an Origin, from our own origin.
 */
export function authorize(req: IncomingMessage, token: string, allowedHosts: ReadonlySet<string>, port: number): AuthResult {
  const host = req.headers.host ?? '';
  if (!allowedHosts.has(host.toLowerCase())) {
    return { ok: false, status: 403, reason: `Host ${host || '(none)'} is not allowed` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, allowedHosts)) {
    return { ok: false, status: 403, reason: `Origin ${origin} is not allowed` };
  }
  const url = new URL(req.url ?? '/', 'http://placeholder');
  if (sameToken(url.searchParams.get('token'), token)) return { ok: true, via: 'query' };
  if (sameToken(cookieValue(req.headers.cookie, cookieName(port)), token)) return { ok: true, via: 'cookie' };
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (sameToken(bearer, token)) return { ok: true, via: 'header' };
  return { ok: false, status: 401, reason: 'Missing or wrong token: open the URL that `npm run serve` printed' };
}

/**
 * Our origin exactly: `http://` (serve speaks plain HTTP, so an https origin is another server), one
 * of our hosts, nothing else — no user info (`http://user@127.0.0.1:PORT`), no path.
 */
function isOwnOrigin(origin: string, allowedHosts: ReadonlySet<string>): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const host = url.host.toLowerCase();
  return url.protocol === 'http:' && allowedHosts.has(host) && origin.toLowerCase() === `http://${host}`;
}

/**
 * Where the token-in-URL redirect sends the browser: always a path on this server. The request's
 * path may start with several slashes (`/.//evil.example/` normalises to `//evil.example/`), which a
 * browser reads as another host; collapse them to one.
 */
export function sameServerLocation(url: URL): string {
  return `/${url.pathname.replace(/^[/\\]+/, '')}${url.search}`;
}

/** Host header values we answer to for a server on `port`. */
export function allowedHostsFor(bindHost: string, port: number): Set<string> {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  if (bindHost !== '127.0.0.1' && bindHost !== '0.0.0.0' && bindHost !== '::') hosts.add(`${bindHost.toLowerCase()}:${port}`);
  return hosts;
}
