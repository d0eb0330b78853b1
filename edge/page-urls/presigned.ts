/**
 * R2 presigned page URLs (R2's S3 API, `@aws-sdk/s3-request-presigner`): the alternative to the
 * Worker-served capability URLs when R2 S3 credentials are configured. The model provider then
 * fetches the PNG from R2 directly and the Worker is not in the path (so no Cache API, and the
 * ETag is R2's own, not the page's SHA-256).
 *
 * The SDK is imported on first use, so isolates that never presign do not pay to evaluate it.
 */
import type { S3Client } from '@aws-sdk/client-s3';

/** R2's S3 endpoint and credentials. */
export interface R2S3Credentials {
  /** `https://<account id>.r2.cloudflarestorage.com`. */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The credentials from the Worker's vars and secrets, or null unless all four are set. */
export function r2S3Credentials(env: {
  R2_S3_ENDPOINT?: string;
  R2_RENDERS_BUCKET?: string;
  R2_ACCESS_KEY_ID?: string;
  R2_SECRET_ACCESS_KEY?: string;
}): R2S3Credentials | null {
  const endpoint = env.R2_S3_ENDPOINT?.trim();
  const bucket = env.R2_RENDERS_BUCKET?.trim();
  const accessKeyId = env.R2_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.R2_SECRET_ACCESS_KEY?.trim();
  if (!endpoint || !bucket || !accessKeyId || !secretAccessKey) return null;
  return { endpoint, bucket, accessKeyId, secretAccessKey };
}

let clients: { key: string; client: S3Client } | null = null;

async function clientFor(credentials: R2S3Credentials): Promise<S3Client> {
  const key = `${credentials.endpoint}\n${credentials.accessKeyId}\n${credentials.secretAccessKey}`;
  if (clients?.key === key) return clients.client;
  const { S3Client } = await import('@aws-sdk/client-s3');
  // R2 takes region "auto"; path-style keeps the bucket out of the host name (works for any endpoint).
  const client = new S3Client({
    region: 'auto',
    endpoint: credentials.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
  });
  clients = { key, client };
  return client;
}

/** Presigned GET URLs of `keys` (R2 object keys), valid for `expiresIn` seconds (S3's limit: 7 days). */
export async function presignedGetUrls(
  credentials: R2S3Credentials,
  keys: readonly string[],
  expiresIn: number,
): Promise<string[]> {
  const [client, { GetObjectCommand }, { getSignedUrl }] = await Promise.all([
    clientFor(credentials),
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/s3-request-presigner'),
  ]);
  return Promise.all(
    keys.map((Key) => getSignedUrl(client, new GetObjectCommand({ Bucket: credentials.bucket, Key }), { expiresIn })),
  );
}
