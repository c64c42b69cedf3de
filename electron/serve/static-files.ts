import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { contentSecurityPolicy, META_IMG_SRC } from '../../shared/csp.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** `tileOrigin`: the map's online tile layer when the user turned it on (Settings → Map), else null. */
export function securityHeaders(res: ServerResponse, tileOrigin: string | null = null): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(tileOrigin));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

/** Serves the built renderer; unknown paths without an extension get index.html (client routing). */
export async function serveStatic(root: string, pathname: string, res: ServerResponse, tileOrigin: string | null = null): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    res.writeHead(400).end('Bad path');
    return;
  }
  const file = normalize(join(root, decoded));
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) {
    res.writeHead(403).end('Forbidden');
    return;
  }
  // A symbolic link inside the folder may point anywhere: serve only what really is inside it.
  const real = await realpath(file).catch(() => null);
  const realRoot = await realpath(root).catch(() => root);
  if (real !== null && real !== realRoot && !real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) {
    res.writeHead(403).end('Forbidden');
    return;
  }
  let target = file;
  const info = await stat(file).catch(() => null);
  if (!info || info.isDirectory()) {
    if (extname(decoded) !== '') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    target = join(root, 'index.html');
  }
  const type = TYPES[extname(target)] ?? 'application/octet-stream';
  if (tileOrigin !== null && target.endsWith('index.html')) {
    // Both policies (header and meta) apply: the meta tag's img-src must allow the tile origin too.
    const html = (await readFile(target, 'utf8')).replace(META_IMG_SRC, `${META_IMG_SRC} ${tileOrigin}`);
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(html);
    return;
  }
  res.writeHead(200, {
    'Content-Type': type,
    'Cache-Control': target.endsWith('.html') ? 'no-store' : 'public, max-age=3600',
  });
  createReadStream(target)
    .on('error', () => res.destroy())
    .pipe(res);
}
