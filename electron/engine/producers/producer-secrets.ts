import type { ProducerDefinition } from '../../../shared/producers.js';

/** What list methods show for a sealed value; saving it back keeps the stored secret. */
export const SEALED = '••••••••';

/** Request headers that carry credentials: Authorization, cookies, API keys and tokens. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|.*-?(key|token|secret|password))$/i;
export const isSecretHeader = (name: string): boolean => SECRET_HEADER.test(name.trim());

/** An HTTP producer's credentials, sealed apart from its definition. */
export interface ProducerSecrets {
  /** Value per secret header name. */
  headers: Record<string, string>;
  /** `user:password` taken out of the source URL (fetch refuses URLs with credentials): sent as basic auth. */
  userinfo: string | null;
}

const none = (): ProducerSecrets => ({ headers: Object.create(null) as Record<string, string>, userinfo: null });

/**
 * The definition as stored and listed: secret header values replaced by SEALED and user info taken
 * out of the URL, plus the secrets themselves. A value given as SEALED keeps `previous`' value.
 */
export function splitSecrets(
  definition: ProducerDefinition,
  previous: ProducerSecrets | null = null,
): { stored: ProducerDefinition; secrets: ProducerSecrets } {
  const source = definition.source;
  const secrets = none();
  if (source.kind !== 'http') return { stored: definition, secrets };
  const headers = source.headers.map((h) => {
    if (!isSecretHeader(h.name)) return h;
    const value = h.value === SEALED ? previous?.headers[h.name] : h.value;
    if (value !== undefined && value !== '') secrets.headers[h.name] = value;
    return { name: h.name, value: value === undefined || value === '' ? '' : SEALED };
  });
  const url = new URL(source.url);
  if (url.username !== '' || url.password !== '') {
    secrets.userinfo = url.password === '' ? url.username : `${url.username}:${url.password}`;
    url.username = '';
    url.password = '';
  } else if (previous?.userinfo && definition.source.kind === 'http') {
    // Saved back from a listing, which shows the URL without its user info.
    secrets.userinfo = previous.userinfo;
  }
  return { stored: { ...definition, source: { ...source, url: url.toString(), headers } }, secrets };
}

/** The definition a runner uses: the sealed values put back. */
export function fillSecrets(definition: ProducerDefinition, secrets: ProducerSecrets): ProducerDefinition {
  const source = definition.source;
  if (source.kind !== 'http') return definition;
  const headers = source.headers.map((h) =>
    h.value === SEALED && Object.hasOwn(secrets.headers, h.name) ? { name: h.name, value: secrets.headers[h.name] ?? '' } : h,
  );
  if (secrets.userinfo !== null && !headers.some((h) => h.name.toLowerCase() === 'authorization')) {
    // What a browser does with user info in a URL: HTTP basic authentication (RFC 7617).
    const [user = '', password = ''] = secrets.userinfo.split(/:(.*)/s).map((part) => decodeURIComponent(part));
    headers.push({ name: 'Authorization', value: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
  }
  return { ...definition, source: { ...source, headers } };
}

export const hasSecrets = (secrets: ProducerSecrets): boolean => secrets.userinfo !== null || Object.keys(secrets.headers).length > 0;
