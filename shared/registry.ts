import { z } from 'zod';
import { connectionRef, method } from './define.js';

/** The schema types of the Confluent Schema Registry API (`schemaType`; absent means AVRO). */
export const registrySchemaTypeSchema = z.enum(['AVRO', 'PROTOBUF', 'JSON']);
export type RegistrySchemaType = z.infer<typeof registrySchemaTypeSchema>;

/** Compatibility levels of the Confluent API (`/config`). */
export const compatibilityLevelSchema = z.enum([
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
]);
export type CompatibilityLevel = z.infer<typeof compatibilityLevelSchema>;

const subject = z.string().trim().min(1, 'must not be empty').max(255);
const subjectRef = connectionRef.extend({ subject });

/** A schema a version refers to (Protobuf imports, JSON `$ref`, Avro named types). */
export const schemaReferenceSchema = z.object({ name: z.string(), subject: z.string(), version: z.number().int() });

export const subjectVersionSchema = z.object({
  subject: z.string(),
  version: z.number().int(),
  id: z.number().int(),
  schemaType: registrySchemaTypeSchema,
  schema: z.string(),
  references: z.array(schemaReferenceSchema),
});
export type SubjectVersion = z.infer<typeof subjectVersionSchema>;

export const registryCompatibilitySchema = z.object({
  global: compatibilityLevelSchema,
  /** The subject's own level; null when it has none and follows the global one. */
  subject: compatibilityLevelSchema.nullable(),
});
export type RegistryCompatibility = z.infer<typeof registryCompatibilitySchema>;

/** A new version as the user pastes it. 1 MB is far above any real schema. */
export const newVersionSchema = subjectRef.extend({
  schemaType: registrySchemaTypeSchema,
  schema: z.string().trim().min(1, 'must not be empty').max(1_000_000),
});
export type NewVersion = z.input<typeof newVersionSchema>;

export const compatibilityCheckSchema = z.object({
  compatible: z.boolean(),
  /** The registry's reasons (Confluent's `verbose=true`); empty when it gives none. */
  messages: z.array(z.string()),
});
export type CompatibilityCheck = z.infer<typeof compatibilityCheckSchema>;

export const registeredVersionSchema = z.object({ subject: z.string(), id: z.number().int(), version: z.number().int() });
export type RegisteredVersion = z.infer<typeof registeredVersionSchema>;

/** The registry browser: the connection's Schema Registry (Confluent-compatible REST). */
export const registryMethods = {
  'registry:subjects': method(connectionRef, z.array(z.string()), 'Subjects of the connection’s schema registry'),
  'registry:versions': method(subjectRef, z.array(z.number().int()), 'Version numbers of a subject'),
  'registry:version': method(
    subjectRef.extend({ version: z.union([z.number().int().min(1), z.literal('latest')]) }),
    subjectVersionSchema,
    'One version of a subject: id, type, schema text, references',
  ),
  'registry:compatibility': method(
    connectionRef.extend({ subject: subject.optional() }),
    registryCompatibilitySchema,
    'Global compatibility level, and the subject’s own when one is named',
  ),
  'registry:setCompatibility': method(
    connectionRef.extend({ subject: subject.optional(), level: compatibilityLevelSchema }),
    z.object({ level: compatibilityLevelSchema }),
    'Set the global level (no subject) or a subject’s own level',
  ),
  'registry:checkCompatibility': method(
    newVersionSchema,
    compatibilityCheckSchema,
    'Ask the registry whether a schema is compatible with the subject’s latest version',
  ),
  'registry:register': method(
    newVersionSchema,
    registeredVersionSchema,
    'Register a new version of a subject; an identical schema keeps its id and version',
  ),
} as const;
