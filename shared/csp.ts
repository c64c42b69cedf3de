/**
 * The one Content-Security-Policy of the UI: sent as a header by `serve`, set on responses by the
 * Electron main process, and mirrored in renderer/index.html's meta tag (a meta tag cannot carry
 * frame-ancestors). No remote scripts, no inline scripts or styles, no eval.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
  "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
