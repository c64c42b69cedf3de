import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { S3Target } from '../../../../shared/exports.js';
import { WorkbenchError } from '../../../../shared/errors.js';
import { createS3Client, endpointLabel } from './s3-client.js';
import { describeS3Error } from './s3-errors.js';

/** Creates the target's bucket (offered when an export finds it missing). Already owning it counts as done. */
export async function createBucket(target: S3Target): Promise<{ created: boolean }> {
  const client = createS3Client(target);
  try {
    await client.send(
      new CreateBucketCommand({
        Bucket: target.bucket,
        // us-east-1 is the one region that must not be named in the request.
        ...(target.region !== 'us-east-1' ? { CreateBucketConfiguration: { LocationConstraint: target.region as never } } : {}),
      }),
    );
    return { created: true };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'BucketAlreadyOwnedByYou') return { created: false };
    if (name === 'BucketAlreadyExists') {
      throw new WorkbenchError('CONFLICT', `The bucket name "${target.bucket}" is taken by another account; choose another name`);
    }
    throw describeS3Error(error, { bucket: target.bucket, endpoint: endpointLabel(target) });
  } finally {
    client.destroy();
  }
}
