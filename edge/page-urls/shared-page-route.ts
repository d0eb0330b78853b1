/** `GET /v1/shared/{tenant}/{id}/renders/{renderId}/pages/{n}`: one page by key-free, expiring URL. */
import { createRoute, z } from '@hono/zod-openapi';
import { errorBodySchema } from '../../protocol/public-api/error-body.ts';
import { MAX_URL_TTL_SECONDS } from './capability.ts';

// Plain strings: every malformed value must be the same 403 as a wrong signature (a 400 naming
// the bad field would tell a prober which part of a guessed URL was off).
const anyString = z.string().max(200);

const etagHeaders = {
  ETag: {
    description: 'Strong ETag: `"<SHA-256 of the PNG>"`, the same as the keyed page route\'s.',
    schema: { type: 'string' as const },
  },
  'Cache-Control': {
    description: '`private, max-age=<seconds until the URL expires>`.',
    schema: { type: 'string' as const },
  },
};

/** The route definition (no API key: the URL is the credential). */
export const sharedPageRoute = createRoute({
  method: 'get',
  path: '/{tenant}/{id}/renders/{renderId}/pages/{n}',
  operationId: 'sharedPage',
  tags: ['documents'],
  summary: 'One page image by key-free URL',
  description:
    'The `sharedUrl` of a page in a render or compress response asked with `urlTtl` (or `format`): an HMAC capability over ' +
    `tenant, document, render, page and expiry (at most ${MAX_URL_TTL_SECONDS} s). Needs no API key, so a model provider can fetch it. ` +
    'Expired, altered or re-targeted URLs are 403 `invalid_page_url`, whether or not the page exists.',
  security: [],
  request: {
    params: z.object({ tenant: anyString, id: anyString, renderId: anyString, n: anyString }),
    query: z.object({ expires: anyString.optional(), signature: anyString.optional() }),
    headers: z.object({
      'If-None-Match': z.string().optional().openapi({ description: 'An ETag you hold: 304 if it matches.' }),
    }),
  },
  responses: {
    200: {
      description: 'The page.',
      headers: etagHeaders,
      content: { 'image/png': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    304: { description: '`If-None-Match` matched.', headers: etagHeaders },
    403: {
      description: 'Expired, altered or re-targeted URL, or key-free URLs are not configured (`invalid_page_url`).',
      content: { 'application/json': { schema: errorBodySchema } },
    },
    404: {
      description: 'A valid URL whose page is no longer stored (`not_found`).',
      content: { 'application/json': { schema: errorBodySchema } },
    },
  },
});
