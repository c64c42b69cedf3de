/**
 * The one Content-Security-Policy of the UI: sent as a header by `serve`, set on responses by the
 * Electron main process, and mirrored in renderer/index.html's meta tag (a meta tag cannot carry
 * frame-ancestors). No remote scripts, no inline scripts or styles, no eval. The only remote
 * anything is the map's optional tile layer: with it on, img-src also allows exactly its origin.
 */
export function contentSecurityPolicy(tileOrigin: string | null = null): string {
  const img = `img-src 'self' data: blob:${tileOrigin ? ` ${tileOrigin}` : ''}`;
  return (
    `default-src 'self'; script-src 'self'; style-src 'self'; ${img}; connect-src 'self'; ` +
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
  );
}

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy(null);

/** The meta tag's img-src as written in renderer/index.html; serving index.html widens it the same way. */
export const META_IMG_SRC = "img-src 'self' data: blob:";
