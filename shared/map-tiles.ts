import { z } from 'zod';
import { WorkbenchError } from './errors.js';

/** The optional online tile layer of the map (Settings → Map). Off by default: the map works offline. */
export const tileLayerSchema = z.object({
  enabled: z.boolean().default(false),
  /** Leaflet URL template, e.g. `https://tile.openstreetmap.org/{z}/{x}/{y}.png`. */
  urlTemplate: z.string().max(500).default(''),
  /** Shown in the map's corner, as the tile provider's terms require. */
  attribution: z.string().max(300).default(''),
});
export type TileLayer = z.infer<typeof tileLayerSchema>;

const PLACEHOLDER = /\{([^}]*)\}/g;
const ALLOWED = new Set(['s', 'z', 'x', 'y', 'r']);
const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The origin a tile URL template loads from, for the CSP's img-src: `https://tile.example.org` or, with
 * a `{s}` subdomain, `https://*.tile.example.org`. Throws a VALIDATION error a user can act on for
 * anything else (no HTTPS, placeholders other than {s} {z} {x} {y} {r}, {s} not the first host label,
 * credentials, odd characters) — the result goes into a security header, so it is checked strictly.
 */
export function tileOrigin(template: string): string {
  const refuse = (why: string): never => {
    throw new WorkbenchError('VALIDATION', `The tile URL template ${why}. Use one like https://tile.openstreetmap.org/{z}/{x}/{y}.png`);
  };
  const text = template.trim();
  if (!text.startsWith('https://')) refuse('must start with https://');
  for (const [, name] of text.matchAll(PLACEHOLDER))
    if (!ALLOWED.has(name ?? '')) refuse(`has an unknown placeholder {${name}} (allowed: {s} {z} {x} {y} {r})`);
  for (const needed of ['{z}', '{x}', '{y}']) if (!text.includes(needed)) refuse(`needs ${needed}`);
  if (/[\s'";,\\]/.test(text)) refuse('contains spaces, quotes, commas, semicolons or backslashes');
  const authority = text.slice('https://'.length).split('/')[0] ?? '';
  if (authority.includes('@')) refuse('must not carry a user name or password');
  const [hostPart = '', port] = authority.split(':');
  if (port !== undefined && !/^\d{1,5}$/.test(port)) refuse('has an invalid port');
  const labels = hostPart.toLowerCase().split('.');
  const wildcard = labels[0] === '{s}';
  const rest = wildcard ? labels.slice(1) : labels;
  if (rest.length < 2 && !(rest.length === 1 && rest[0] === 'localhost')) refuse('needs a full host name (e.g. tile.example.org)');
  if (rest.includes('{s}')) refuse('may use {s} only as the first part of the host name');
  if (!rest.every((label) => HOST_LABEL.test(label))) refuse('has an invalid host name');
  return `https://${wildcard ? '*.' : ''}${rest.join('.')}${port === undefined ? '' : `:${port}`}`;
}

/** The tile origin to allow in the CSP, or null when the layer is off. */
export function allowedTileOrigin(layer: TileLayer | null): string | null {
  return layer?.enabled ? tileOrigin(layer.urlTemplate) : null;
}

/**
 * The same for a `geo:tiles` value as the engine sends it (Electron's CSP and serve's headers follow
 * it): anything that is not a valid, enabled layer widens nothing.
 */
export function cspTileOrigin(layer: unknown): string | null {
  const parsed = tileLayerSchema.safeParse(layer);
  try {
    return parsed.success ? allowedTileOrigin(parsed.data) : null;
  } catch {
    return null;
  }
}
