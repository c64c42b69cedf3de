import { z } from 'zod';

/** Error codes that cross the boundary. A client can branch on them; the message is for people. */
export const errorCodeSchema = z.enum([
  'VALIDATION', // payload did not match the contract schema
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'CONFLICT',
  'BROKER_UNREACHABLE',
  'AUTH_FAILED',
  'KAFKA_ERROR',
  'LOCAL_CLUSTER',
  'SECRET_STORAGE',
  'DISK_FULL', // the disk (or the store's size limit) is full
  'STORAGE_UNREACHABLE', // an export target (S3 endpoint, folder) cannot be reached
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const wireErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  detail: z.string().optional(),
});
export type WireError = z.infer<typeof wireErrorSchema>;

/** The one error type both sides throw; it survives the trip across a transport as `WireError`. */
export class WorkbenchError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, message: string, detail?: string) {
    super(message);
    this.name = 'WorkbenchError';
    this.code = code;
    this.detail = detail;
  }

  toWire(): WireError {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }

  static fromWire(error: WireError): WorkbenchError {
    return new WorkbenchError(error.code, error.message, error.detail);
  }
}

/** Turns a zod failure into one readable line: "bootstrapServers: must not be empty; port: expected number". */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}
