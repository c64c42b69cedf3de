import type { ReactNode } from 'react';
import { useMethodQuery } from '../../api/use-method-query.js';
import { CheckboxField, SelectField, TextField } from '../../app/form-fields.js';
import type { ExportTargetState } from './export-form-model.js';

/**
 * The target picker of every export (the Exports form, a pipeline's batch report): a local folder or
 * an S3 bucket with the saved S3 credentials, the default AWS chain or keys for this export only.
 */
export function TargetFields({
  target,
  change,
  folderLabel = 'Folder',
  folderHint = 'Written to a hidden temp file, then renamed: no half files.',
  children,
}: {
  target: ExportTargetState;
  /** Called with the fields that changed. */
  change: (patch: Partial<ExportTargetState>) => void;
  folderLabel?: string;
  folderHint?: ReactNode;
  /** Fields after the target's own (the Exports form's file name). */
  children?: ReactNode;
}) {
  const saved = useMethodQuery('exports:listCredentials', undefined, { enabled: target.targetKind === 's3' });
  const savedOptions = [
    { value: '', label: '— choose —' },
    ...(saved.data ?? []).map((c) => ({ value: c.id, label: `${c.name} (${c.accessKeyHint})` })),
  ];
  return (
    <fieldset>
      <legend>Target</legend>
      <SelectField
        label="Write to"
        value={target.targetKind}
        options={[
          { value: 'local', label: 'A local folder' },
          { value: 's3', label: 'S3 or S3-compatible' },
        ]}
        onChange={(v) => {
          change({ targetKind: v });
        }}
      />
      {target.targetKind === 'local' ? (
        <TextField
          label={folderLabel}
          value={target.folder}
          onChange={(v) => {
            change({ folder: v });
          }}
          hint={folderHint}
        />
      ) : (
        <>
          <TextField
            label="Bucket"
            value={target.bucket}
            onChange={(v) => {
              change({ bucket: v });
            }}
          />
          <TextField
            label="Prefix"
            value={target.prefix}
            onChange={(v) => {
              change({ prefix: v });
            }}
            hint="{yyyy} {MM} {dd} {HH} {mm} {ss} are filled in UTC."
          />
          <TextField
            label="Region"
            value={target.region}
            onChange={(v) => {
              change({ region: v });
            }}
          />
          <TextField
            label="Endpoint URL"
            value={target.endpoint}
            onChange={(v) => {
              change({ endpoint: v });
            }}
            placeholder="AWS"
            hint="For MinIO and other S3-compatible servers."
            type="url"
          />
          <CheckboxField
            label="Path-style addressing"
            checked={target.forcePathStyle}
            onChange={(v) => {
              change({ forcePathStyle: v });
            }}
          />
          <SelectField
            label="Credentials"
            value={target.credentials}
            options={[
              { value: 'default-chain', label: 'Default AWS chain' },
              { value: 'saved', label: 'Saved credentials' },
              { value: 'keys', label: 'Access key (this export only)' },
            ]}
            onChange={(v) => {
              change({ credentials: v });
            }}
          />
          {target.credentials === 'saved' && (
            <SelectField
              label="Saved credentials"
              value={target.credentialId}
              options={savedOptions}
              onChange={(v) => {
                change({ credentialId: v });
              }}
            />
          )}
          {target.credentials === 'keys' && (
            <>
              <TextField
                label="Access key id"
                value={target.accessKeyId}
                onChange={(v) => {
                  change({ accessKeyId: v });
                }}
              />
              <TextField
                label="Secret access key"
                type="password"
                value={target.secretAccessKey}
                onChange={(v) => {
                  change({ secretAccessKey: v });
                }}
                hint="Used for this export only; not saved."
              />
            </>
          )}
        </>
      )}
      {children}
    </fieldset>
  );
}
