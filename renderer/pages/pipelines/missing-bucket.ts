import type { S3Target } from '../../../shared/exports.js';
import type { Pipeline, PipelineStatus } from '../../../shared/pipelines.js';

/**
 * The S3 target of a file sink whose last write failed because its bucket does not exist (the
 * engine's words for it: `The bucket "<name>" does not exist at <endpoint>; create it (Create bucket)
 * …`), so the page can offer that button; null otherwise. The bucket must be named in the error, so a
 * pipeline with several S3 sinks offers the right one.
 */
export function missingBucketTarget(pipeline: Pick<Pipeline, 'sinks'>, files: PipelineStatus['files']): S3Target | null {
  const error = files?.lastError;
  if (!error) return null;
  for (const sink of pipeline.sinks) {
    if (sink.kind === 'files' && sink.target.kind === 's3' && error.includes(`The bucket "${sink.target.bucket}" does not exist`))
      return sink.target;
  }
  return null;
}
