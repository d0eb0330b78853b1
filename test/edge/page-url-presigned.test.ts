/**
 * R2 presigned page URLs (edge/page-urls/presigned.ts, `@aws-sdk/s3-request-presigner`) against a
 * real S3 implementation (s3rver on 127.0.0.1) standing in for R2's S3 API: the URL reads the
 * object with no credentials, for the lifetime asked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presignedGetUrls, r2S3Credentials, type R2S3Credentials } from '../../edge/page-urls/presigned.ts';

interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverCtor = new (options: {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets: Array<{ name: string }>;
}) => S3rverServer;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverCtor;

const BUCKET = 'glyphgate-renders';
const KEY = `t/acme/renders/${'a'.repeat(64)}/${'b'.repeat(64)}/page-0001.png`;
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

let dir: string;
let server: S3rverServer;
let credentials: R2S3Credentials;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'glyph-presign-'));
  server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await server.run();
  credentials = r2S3Credentials({
    R2_S3_ENDPOINT: `http://127.0.0.1:${port}`,
    R2_RENDERS_BUCKET: BUCKET,
    R2_ACCESS_KEY_ID: 'S3RVER',
    R2_SECRET_ACCESS_KEY: 'S3RVER',
  })!;
  const s3 = new S3Client({
    endpoint: credentials.endpoint,
    region: 'auto',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: PNG, ContentType: 'image/png' }));
  await s3.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: KEY.replace('page-0001', 'page-0002'),
      Body: PNG,
      ContentType: 'image/png',
    }),
  );
  s3.destroy();
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('R2 presigned page URLs', () => {
  it('needs all four settings', () => {
    expect(r2S3Credentials({ R2_S3_ENDPOINT: 'https://x', R2_RENDERS_BUCKET: 'b', R2_ACCESS_KEY_ID: 'k' })).toBeNull();
  });

  it('reads the page with no credentials, signed for the lifetime asked', async () => {
    const [url] = await presignedGetUrls(credentials, [KEY], 600);
    expect(new URL(url!).searchParams.get('X-Amz-Expires')).toBe('600');
    const res = await fetch(url!);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PNG);

    // The signature covers the key and the expiry; s3rver serves without checking it, so whether
    // an altered URL is refused is R2's to enforce and is not asserted here.
    expect(new URL(url!).searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(new URL(url!).searchParams.get('X-Amz-Credential')).toMatch(/^S3RVER\//);
  });
});
