/**
 * Adds what a render or compress request asked for to get its pages to a model: key-free page
 * URLs (`urlTtl`, or `format` with URL delivery) and the content parts of `format`'s API.
 */
import type { Context } from 'hono';
import {
  modelPayload,
  type ImageDelivery,
  type PayloadFormat,
  type PayloadPage,
} from '../../protocol/model-payloads.ts';
import type { AppEnv } from '../app-env.ts';
import type { RenderView } from '../renders/render-view.ts';
import { ApiError } from '../http/errors.ts';
import { issueSharedUrls } from './issue.ts';
import { inlinePage } from './inline-pages.ts';

/** The delivery fields of a request. */
export interface DeliveryFields {
  format?: PayloadFormat;
  imageDelivery?: ImageDelivery;
  urlTtl?: number;
}

/** `view` with `sharedUrl` on each page and `sharedUrls`, and `payload`, as `fields` ask; else `view` itself. */
export async function withDelivery<V extends RenderView>(
  c: Context<AppEnv>,
  view: V,
  fields: DeliveryFields,
): Promise<V> {
  const delivery: ImageDelivery = fields.imageDelivery ?? 'url';
  const wantUrls = fields.urlTtl !== undefined || (fields.format !== undefined && delivery === 'url');
  if (!wantUrls && fields.format === undefined) return view;
  const { tenant } = c.get('caller');
  const numbers = view.pages.map((p) => p.n);
  let out: V = view;
  if (wantUrls) {
    const shared = await issueSharedUrls(c.env, {
      tenant,
      documentId: view.documentId,
      renderId: view.renderId,
      pages: numbers,
      ...(fields.urlTtl !== undefined ? { urlTtl: fields.urlTtl } : {}),
      origin: new URL(c.req.url).origin,
    });
    out = {
      ...out,
      pages: out.pages.map((p) => ({ ...p, sharedUrl: shared.urls.get(p.n)! })),
      sharedUrls: { via: shared.via, expiresAt: shared.expiresAt },
    };
  }
  if (fields.format !== undefined) {
    let pages: PayloadPage[];
    if (delivery === 'url') pages = out.pages.map((p) => ({ n: p.n, url: p.sharedUrl! }));
    else {
      pages = await Promise.all(
        numbers.map(async (n) => {
          const base64 = await inlinePage(c.env, c.executionCtx, {
            tenant,
            sha: view.documentId,
            configHash: view.renderId,
            n,
          });
          if (base64 === null) throw new ApiError(500, 'internal_error', `page ${n} of the render is missing`);
          return { n, base64 };
        }),
      );
    }
    out = {
      ...out,
      payload: {
        format: fields.format,
        imageDelivery: delivery,
        parts: modelPayload(fields.format, pages) as Record<string, unknown>[],
      },
    };
  }
  return out;
}
