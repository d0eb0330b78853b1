/**
 * `POST /v1/compress`: upload and render in one call: the upload as `POST /v1/documents` stores
 * and bills it, then the render as `POST /v1/documents/:id/render` makes it (or hands it to a job).
 * With `passthrough: true`, pages that would cost more than the text are not returned: the text is
 * (passthrough.ts).
 */
import { createRoute } from '@hono/zod-openapi';
import { documentView, ingest } from '../documents/upload.ts';
import { textTokensOf } from '../documents/text-tokens.ts';
import { apiRoutes } from '../http/api-routes.ts';
import { uploadBody } from '../http/body-middleware.ts';
import { gate } from '../tenancy/gate.ts';
import { compressRoute } from './compress-route.ts';
import { resolveRender, type RenderFields } from './render-options.ts';
import { renderFor } from './render.ts';
import { familyTextTokens } from './family-tokens.ts';
import { cheapestPageTokens, passthroughBody, textAloneIsCheaper } from './passthrough.ts';
import { estimatePages } from '../jobs/estimate.ts';
import { runnerClient } from '../runners/runner-client.ts';
import { textTokenizerFor } from '../../protocol/text-tokenizers.ts';
import { withDelivery } from '../page-urls/deliver.ts';

/** `POST /v1/compress`: upload + render in one call. */
export const compressRoutes = apiRoutes();

compressRoutes.openapi(
  createRoute({ ...compressRoute, middleware: [gate({ quota: true }), uploadBody()] as const }),
  async (c) => {
    const upload = c.get('upload');
    // JSON bodies carry the render fields next to "text"; a text body's come from the query (the
    // JSON validator had nothing to check, so its value is `{}`).
    const json = c.req.valid('json');
    const { text: _text, ...bodyFields } = typeof json === 'string' ? { text: json } : json;
    const { passthrough = false, ...fields } = Object.keys(bodyFields).length > 0 ? bodyFields : c.req.valid('query');
    // Resolved before the upload is stored: a bad config refuses the whole call, storing and billing nothing.
    const resolved = await resolveRender(fields as RenderFields);
    const { record } = await ingest(c, upload);
    // The Qwen3 count the document view reports (the upload's contract), whatever the profile's family.
    const documentOf = async (qwen3?: number) =>
      documentView(record, qwen3 ?? (await textTokensOf(c, record, upload.text)));

    if (passthrough) {
      // Before any page is drawn: a text that costs no more than the cheapest page the profile bills
      // cannot be paid for by pages. (For `auto` the page estimate is not a lower bound: one page.)
      const family = textTokenizerFor(resolved.profile).family;
      const textTokens = await familyTextTokens({
        env: c.env,
        runners: runnerClient(c.env),
        tenant: c.get('caller').tenant,
        doc: record,
        family,
        text: upload.text,
      });
      // Reflow can join lines, so the line count bounds the pages only with reflow off.
      const pages = resolved.auto
        ? 1
        : estimatePages(record.chars, resolved.config, resolved.reflow === 'off' ? record.lines : null);
      if (textTokens !== undefined && textAloneIsCheaper(resolved.profile, textTokens, pages)) {
        c.header('x-glyph-cache', 'miss');
        const body = passthroughBody({
          profile: resolved.profile,
          text: upload.text,
          textTokens,
          visualTokens: cheapestPageTokens(resolved.profile) * pages,
          pages,
          rendered: false,
        });
        return c.json({ ...body, document: await documentOf(family === 'qwen3' ? textTokens : undefined) }, 200);
      }
    }

    const outcome = await renderFor(c, record, resolved);
    // A job (202) has not rendered yet, so a runner counts the document's tokens.
    if (outcome.status === 202) return c.json({ document: await documentOf(), ...outcome.body }, 202);
    const view = outcome.body;
    const qwen3 = view.tokenizer.family === 'qwen3' ? view.totals.textTokens : undefined;
    if (passthrough && !view.worthIt) {
      const { totals } = view;
      const body = passthroughBody({
        profile: resolved.profile,
        text: upload.text,
        textTokens: totals.textTokens,
        visualTokens: totals.visualTokens,
        pages: totals.pages,
        rendered: true,
      });
      return c.json({ ...body, tokenizer: view.tokenizer, document: await documentOf(qwen3) }, 200);
    }
    const delivered = await withDelivery(
      c,
      view,
      Object.keys(bodyFields).length > 0 ? bodyFields : c.req.valid('query'),
    );
    return c.json(
      { document: await documentOf(qwen3), ...(passthrough ? { passthrough: false as const } : {}), ...delivered },
      200,
    );
  },
);
