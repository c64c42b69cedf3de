import type { z } from 'zod';
import { connectionInputSchema, type Connection, type saslMechanismSchema } from '../../shared/connection.js';

export type SaslChoice = 'none' | z.infer<typeof saslMechanismSchema>;

/** What the connection form edits: strings and flags, exactly as the inputs hold them. */
export interface ConnectionFormValues {
  name: string;
  /** Comma (or whitespace) separated host:port list. */
  bootstrapServers: string;
  clientId: string;
  sslEnabled: boolean;
  sslRejectUnauthorized: boolean;
  sslCa: string;
  sasl: SaslChoice;
  saslUsername: string;
  /** Empty = keep the stored password (if any). */
  password: string;
  clearPassword: boolean;
  schemaRegistryUrl: string;
  /** Basic auth for the registry: empty username = none; empty password = keep the stored one. */
  schemaRegistryUsername: string;
  schemaRegistryPassword: string;
}

export type FieldName = 'name' | 'bootstrapServers' | 'clientId' | 'sslCa' | 'saslUsername' | 'password' | 'schemaRegistryUrl' | 'form';
export type FieldErrors = Partial<Record<FieldName, string>>;
export type ParsedConnectionInput = z.output<typeof connectionInputSchema>;
export type FormResult = { ok: true; input: ParsedConnectionInput } | { ok: false; errors: FieldErrors };

export const emptyConnectionForm: ConnectionFormValues = {
  name: '',
  bootstrapServers: '',
  clientId: '',
  sslEnabled: false,
  sslRejectUnauthorized: true,
  sslCa: '',
  sasl: 'none',
  saslUsername: '',
  password: '',
  clearPassword: false,
  schemaRegistryUrl: '',
  schemaRegistryUsername: '',
  schemaRegistryPassword: '',
};

export function formFromConnection(connection: Connection): ConnectionFormValues {
  return {
    name: connection.name,
    bootstrapServers: connection.bootstrapServers.join(', '),
    clientId: connection.clientId,
    sslEnabled: connection.ssl.enabled,
    sslRejectUnauthorized: connection.ssl.rejectUnauthorized,
    sslCa: connection.ssl.ca ?? '',
    sasl: connection.sasl?.mechanism ?? 'none',
    saslUsername: connection.sasl?.username ?? '',
    password: '',
    clearPassword: false,
    schemaRegistryUrl: connection.schemaRegistryUrl ?? '',
    schemaRegistryUsername: connection.schemaRegistryUsername ?? '',
    schemaRegistryPassword: '',
  };
}

export function splitServers(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

function optionalText(text: string): string | undefined {
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** The saved connection being edited, if any: its id, and whether a password is stored for it. */
export interface EditedConnection {
  id: string;
  hasPassword: boolean;
  hasSchemaRegistryPassword?: boolean | undefined;
}

function registryPasswordInput(values: ConnectionFormValues, edited: EditedConnection | undefined): string | null | undefined {
  if (values.schemaRegistryUsername.trim() === '') return edited?.hasSchemaRegistryPassword === true ? null : undefined;
  return values.schemaRegistryPassword === '' ? undefined : values.schemaRegistryPassword;
}

function passwordInput(values: ConnectionFormValues, edited: EditedConnection | undefined): string | null | undefined {
  if (values.sasl === 'none') return edited?.hasPassword === true ? null : undefined;
  if (values.clearPassword) return null;
  return values.password === '' ? undefined : values.password;
}

/**
 * Turns form values into a `connections:save` input, validated with the shared schema; on failure,
 * one message per field. Password: empty keeps the stored one, "clear" (or SASL off) removes it.
 */
export function formToInput(values: ConnectionFormValues, edited?: EditedConnection): FormResult {
  const servers = splitServers(values.bootstrapServers);
  const raw = {
    ...(edited === undefined ? {} : { id: edited.id }),
    name: values.name,
    bootstrapServers: servers,
    clientId: optionalText(values.clientId),
    ssl: {
      enabled: values.sslEnabled,
      rejectUnauthorized: values.sslRejectUnauthorized,
      ca: values.sslEnabled ? optionalText(values.sslCa) : undefined,
    },
    sasl: values.sasl === 'none' ? undefined : { mechanism: values.sasl, username: values.saslUsername.trim() },
    password: passwordInput(values, edited),
    schemaRegistryUrl: optionalText(values.schemaRegistryUrl),
    schemaRegistryUsername: optionalText(values.schemaRegistryUsername),
    schemaRegistryPassword: registryPasswordInput(values, edited),
  };
  const errors: FieldErrors = {};
  const parsed = connectionInputSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path);
      const index = issue.path[1];
      const message =
        field === 'bootstrapServers' && typeof index === 'number' ? `"${servers[index] ?? ''}": ${issue.message}` : issue.message;
      errors[field] ??= message;
    }
  }
  const needsPassword = values.sasl !== 'none' && raw.password == null && edited?.hasPassword !== true;
  if (needsPassword || (values.sasl !== 'none' && values.clearPassword)) errors.password ??= 'SASL needs a password';
  if (parsed.success && Object.keys(errors).length === 0) return { ok: true, input: parsed.data };
  return { ok: false, errors };
}

function fieldOf(path: readonly PropertyKey[]): FieldName {
  const [head, sub] = path;
  if (head === 'ssl') return sub === 'ca' ? 'sslCa' : 'form';
  if (head === 'sasl') return 'saslUsername';
  if (head === 'name' || head === 'bootstrapServers' || head === 'clientId' || head === 'password' || head === 'schemaRegistryUrl') {
    return head;
  }
  return 'form';
}
