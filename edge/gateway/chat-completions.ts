/**
 * `POST /v1/chat/completions`: an OpenAI-compatible endpoint that turns the long text of a chat
 * request into pages for the model it names and forwards the request to the upstream API.
 *
 * 1. the profile: `x-glyph-profile`, else the model name (model-profiles.ts);
 * 2. the texts that become pages: user texts for which pages pay (long-parts.ts, pages-pay.ts);
 *    the last user message's own short text stays text;
 * 3. each such text is stored as a document of the caller's tenant (content-addressed) and
 *    rendered through the document cache, so a repeated context renders once;
 * 4. the texts are replaced by an instruction and their page images (inline base64 or key-free
 *    URLs, per `UPSTREAM_IMAGE_DELIVERY`), everything else passes through as sent;
 * 5. the upstream's response is relayed unchanged (SSE chunk by chunk), with `x-glyph-text-tokens`,
 *    `x-glyph-visual-tokens`, `x-glyph-pages`; the call is metered as `chat`.
 *
 * With `x-glyph-budget: <tokens>`, steps 2–4 are instead the budgeted context of the messages
 * (budget.ts, edge/context/): the whole message list is replaced by it, and the response also says
 * `x-glyph-pages-rendered` and `x-glyph-pages-reused`.
 *
 * The Worker-bound parts (storage, coordinator, metering) come in as {@link GatewayDeps}, so the
 * request logic is tested in process and the same code runs in workerd.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { timing } from 'hono/timing';
import {
  modelPayload,
  type ImageDelivery,
  type OpenAIContentPart,
  type PayloadPage,
} from '../../protocol/model-payloads.ts';
import type { ProfileName } from '../../protocol/profiles.ts';
import type { AppEnv } from '../app-env.ts';
import type { ContextView } from '../context/budgeted-context.ts';
import type { Message } from '../conversations/transcript.ts';
import { BUDGET_HEADER, historyOf, parseBudget } from './budget.ts';
import { parseChatRequest, type ChatRequest } from './chat-request.ts';
import { longTextSlots, type TextSlot } from './long-parts.ts';
import { chatCompletionsRoute } from './chat-route.ts';
import { chooseProfile, PROFILE_HEADER } from './model-profiles.ts';
import { asGatewayError, GatewayError } from './openai-error.ts';
import { estimateVisualCost, pagesLikelyPay, pagesPay } from './pages-pay.ts';
import { partsKey, serializeParts, spliceBody, type PartsJsonCache, type SerializedReplacement } from './parts-json.ts';
import { estimateConfig, gatewayRenderFields, type GatewayRenderFields } from './render-fields.ts';
import { gatewaySettings, type GatewaySettings, type GatewayVars } from './settings.ts';
import { forwardChat, UPSTREAM_AUTH_HEADER, upstreamAuthorization } from './upstream.ts';

/** Response headers with the call's counts. */
export const TEXT_TOKENS_HEADER = 'x-glyph-text-tokens';
/** Visual tokens of the pages sent. */
export const VISUAL_TOKENS_HEADER = 'x-glyph-visual-tokens';
/** Pages sent. */
export const PAGES_HEADER = 'x-glyph-pages';
/** With `x-glyph-budget`: pages painted for this call. */
export const PAGES_RENDERED_HEADER = 'x-glyph-pages-rendered';
/** With `x-glyph-budget`: pages taken from earlier renders. */
export const PAGES_REUSED_HEADER = 'x-glyph-pages-reused';
/** With `x-glyph-budget`: tokens the messages sent cost the model (≤ the budget). */
export const BUDGET_USED_HEADER = 'x-glyph-budget-used';

/** What the gateway asks of a budgeted context. */
export interface BudgetRequest {
  messages: Message[];
  profile: ProfileName;
  budget: number;
  imageDelivery: ImageDelivery;
}

/** A context text rendered for a profile. */
export interface RenderedContext {
  documentId: string;
  renderId: string;
  /** Served from a committed render. */
  cached: boolean;
  /** The text's tokens as the runner counted them. */
  textTokens: number;
  /** Pages in order, priced for the profile. */
  pages: { n: number; visualTokens: number }[];
}

/** What rendering a context can come to. */
export type RenderOutcome =
  | { kind: 'rendered'; rendered: RenderedContext }
  | { kind: 'too_large'; pages: number | null };

/** One chat call's metering. */
export interface ChatUsage {
  /** Documents rendered (for the usage row's `document`, the first). */
  documents: string[];
  pages: number;
  textTokens: number;
  visualTokens: number;
  /** Every page came from a committed render. */
  cached: boolean;
}

/** The Worker-bound parts of the gateway. */
export interface GatewayDeps {
  /** Authenticates the caller (the API key gate); sets `caller`. */
  authenticate: MiddlewareHandler<AppEnv>;
  /** Reads the request body under the size limit. @throws GatewayError 413 over it. */
  readBody(c: Context<AppEnv>): Promise<string>;
  /** Stores `text` as a document of the caller's tenant and renders it (the document cache first). */
  render(c: Context<AppEnv>, text: string, fields: GatewayRenderFields): Promise<RenderOutcome>;
  /** The pages of a render as the upstream will get them: key-free URLs or inline base64. */
  payloadPages(c: Context<AppEnv>, rendered: RenderedContext, delivery: ImageDelivery): Promise<PayloadPage[]>;
  /**
   * Serialized parts of inline renders, by tenant, document, render and delivery (parts-json.ts):
   * page images and the instruction only. URL parts are never kept (their URLs expire).
   */
  partsCache: PartsJsonCache;
  /** Records the call (after the response; must not throw). */
  meter(c: Context<AppEnv>, usage: ChatUsage): void;
  /** The budgeted context of a history in OpenAI's shape (`x-glyph-budget`); without it the header is refused. */
  budgetContext?(c: Context<AppEnv>, request: BudgetRequest): Promise<ContextView>;
}

/** The texts of a request that become pages, rendered. */
interface RenderedSlot {
  slot: TextSlot;
  rendered: RenderedContext;
  visualTokens: number;
}

function tooLarge(pages: number | null, maxPages: number): GatewayError {
  const need = pages === null ? 'more pages than' : `${pages} pages, over`;
  return new GatewayError(
    413,
    'context_too_large',
    `the context is too large even as pages: it needs ${need} the limit of ${maxPages} pages per request (GATEWAY_MAX_PAGES)`,
    'messages',
  );
}

/** Renders the slots (identical texts once), keeping only those whose real counts say pages pay. */
async function renderSlots(
  c: Context<AppEnv>,
  deps: GatewayDeps,
  slots: TextSlot[],
  profile: ProfileName,
  maxPages: number,
): Promise<RenderedSlot[]> {
  const byText = new Map<string, Promise<RenderOutcome>>();
  const outcomes = await Promise.all(
    slots.map((slot) => {
      let outcome = byText.get(slot.text);
      if (!outcome) {
        outcome = deps.render(c, slot.text, gatewayRenderFields(profile));
        byText.set(slot.text, outcome);
      }
      return outcome;
    }),
  );
  const kept: RenderedSlot[] = [];
  let pages = 0;
  outcomes.forEach((outcome, i) => {
    if (outcome.kind === 'too_large') throw tooLarge(outcome.pages, maxPages);
    const visualTokens = outcome.rendered.pages.reduce((sum, p) => sum + p.visualTokens, 0);
    if (!pagesPay({ textTokens: outcome.rendered.textTokens, visualTokens })) return;
    pages += outcome.rendered.pages.length;
    kept.push({ slot: slots[i]!, rendered: outcome.rendered, visualTokens });
  });
  if (pages > maxPages) throw tooLarge(pages, maxPages);
  return kept;
}

/** A render's parts as the upstream gets them, serialized; inline ones kept per render. */
async function renderedPartsJson(
  c: Context<AppEnv>,
  deps: GatewayDeps,
  rendered: RenderedContext,
  delivery: ImageDelivery,
): Promise<string> {
  const key =
    delivery === 'inline'
      ? partsKey({
          tenant: c.get('caller').tenant,
          documentId: rendered.documentId,
          renderId: rendered.renderId,
          delivery,
        })
      : undefined;
  const kept = key === undefined ? undefined : deps.partsCache.get(key);
  if (kept !== undefined) return kept;
  const parts: OpenAIContentPart[] = modelPayload('openai', await deps.payloadPages(c, rendered, delivery));
  const json = serializeParts(parts);
  if (key !== undefined) deps.partsCache.set(key, json);
  return json;
}

/** The handler's work once the caller is known. */
async function chatCompletion(c: Context<AppEnv>, deps: GatewayDeps): Promise<Response> {
  const settings = gatewaySettings(c.env as GatewayVars);
  if (!settings.upstreamBaseUrl) {
    throw new GatewayError(503, 'upstream_not_configured', 'no upstream model API is configured (UPSTREAM_BASE_URL)');
  }
  const raw = await deps.readBody(c);
  const request: ChatRequest = parseChatRequest(raw);
  const choice = chooseProfile(request.model, c.req.header(PROFILE_HEADER));
  if (!choice.ok) throw new GatewayError(400, 'invalid_profile', choice.message, choice.param);
  const profile = choice.profile;
  const budgetHeader = c.req.header(BUDGET_HEADER);
  if (budgetHeader !== undefined) return budgetedChat(c, deps, request, profile, parseBudget(budgetHeader));

  const slots = longTextSlots(request.messages, (text) => pagesLikelyPay(text, profile));
  // Refused before anything is stored or rendered when even the estimate (a lower bound) is over.
  const estimated = slots.reduce(
    (sum, s) => sum + estimateVisualCost(s.text, estimateConfig(s.text, profile), profile).pages,
    0,
  );
  if (estimated > settings.maxPages) throw tooLarge(estimated, settings.maxPages);

  const rendered = await renderSlots(c, deps, slots, profile, settings.maxPages);
  const replacements = await Promise.all(
    rendered.map(
      async (r): Promise<SerializedReplacement> => ({
        slot: r.slot,
        json: await renderedPartsJson(c, deps, r.rendered, settings.imageDelivery),
      }),
    ),
  );
  // Nothing replaced: the body goes upstream byte for byte as the client sent it.
  const body = replacements.length === 0 ? raw : spliceBody(request, replacements);

  const usage: ChatUsage = {
    documents: rendered.map((r) => r.rendered.documentId),
    pages: rendered.reduce((sum, r) => sum + r.rendered.pages.length, 0),
    textTokens: rendered.reduce((sum, r) => sum + r.rendered.textTokens, 0),
    visualTokens: rendered.reduce((sum, r) => sum + r.visualTokens, 0),
    cached: rendered.every((r) => r.rendered.cached),
  };
  const response = await forwardWithCounts(c, settings, body, {
    [TEXT_TOKENS_HEADER]: String(usage.textTokens),
    [VISUAL_TOKENS_HEADER]: String(usage.visualTokens),
    [PAGES_HEADER]: String(usage.pages),
  });
  deps.meter(c, usage);
  return response;
}

/** Sends `body` to the upstream with the caller's (or the configured) provider key; `counts` go on the response. */
function forwardWithCounts(
  c: Context<AppEnv>,
  settings: GatewaySettings,
  body: string,
  counts: Record<string, string>,
): Promise<Response> {
  return forwardChat({
    baseUrl: settings.upstreamBaseUrl!,
    body,
    authorization: upstreamAuthorization(c.req.header(UPSTREAM_AUTH_HEADER), (c.env as GatewayVars).UPSTREAM_API_KEY),
    accept: c.req.header('accept'),
    timeoutMs: settings.timeoutMs,
    extraHeaders: counts,
  });
}

/** A chat call under `x-glyph-budget`: the messages replaced by their budgeted context. */
async function budgetedChat(
  c: Context<AppEnv>,
  deps: GatewayDeps,
  request: ChatRequest,
  profile: ProfileName,
  budget: number,
): Promise<Response> {
  const settings = gatewaySettings(c.env as GatewayVars);
  if (!deps.budgetContext)
    throw new GatewayError(400, 'invalid_request', `${BUDGET_HEADER} is not available here`, BUDGET_HEADER);
  const messages = historyOf(request.messages);
  let view: ContextView;
  try {
    view = await deps.budgetContext(c, { messages, profile, budget, imageDelivery: settings.imageDelivery });
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    if (e?.code === 'budget_too_small' && typeof e.message === 'string') {
      throw new GatewayError(
        400,
        'budget_too_small',
        e.message.replace(/^budget:/, `${BUDGET_HEADER}:`),
        BUDGET_HEADER,
      );
    }
    throw error;
  }
  if (view.pages > settings.maxPages) throw tooLarge(view.pages, settings.maxPages);
  const usage: ChatUsage = {
    documents: view.tiers.map((t) => t.documentId),
    pages: view.pages,
    textTokens: view.textTokens,
    visualTokens: view.visualTokens,
    cached: view.pagesRendered === 0,
  };
  const response = await forwardWithCounts(c, settings, JSON.stringify({ ...request, messages: view.messages }), {
    [TEXT_TOKENS_HEADER]: String(view.textTokens),
    [VISUAL_TOKENS_HEADER]: String(view.visualTokens),
    [PAGES_HEADER]: String(view.pages),
    [PAGES_RENDERED_HEADER]: String(view.pagesRendered),
    [PAGES_REUSED_HEADER]: String(view.pagesReused),
    [BUDGET_USED_HEADER]: String(view.used),
  });
  deps.meter(c, usage);
  return response;
}

/** Turns whatever a gateway request threw into OpenAI's error shape. */
export function gatewayErrorResponse(error: unknown): Response {
  if (error instanceof GatewayError) return error.toResponse();
  const e = error as { status?: unknown; code?: unknown; message?: unknown; headers?: unknown };
  if (typeof e?.status === 'number' && typeof e.code === 'string' && typeof e.message === 'string') {
    const headers = typeof e.headers === 'object' && e.headers !== null ? (e.headers as Record<string, string>) : {};
    return asGatewayError(e.status, e.code, e.message, headers).toResponse();
  }
  // Hono's HTTPException (a body limit, a bad request) carries only a status.
  if (typeof (error as { getResponse?: unknown })?.getResponse === 'function' && typeof e?.status === 'number') {
    return asGatewayError(
      e.status,
      e.status === 413 ? 'payload_too_large' : 'bad_request',
      String(e.message || 'bad request'),
    ).toResponse();
  }
  return new GatewayError(500, 'internal_error', 'internal error').toResponse();
}

/** The gateway's routes (mount at `/v1/chat`), errors in OpenAI's shape. */
export function gatewayRoutes(deps: GatewayDeps): OpenAPIHono<AppEnv> {
  const routes = new OpenAPIHono<AppEnv>();
  // Documented, not validated by the OpenAPI layer: the handler reads the body itself (raw, so
  // a request with nothing to replace goes upstream byte for byte).
  routes.openAPIRegistry.registerPath(chatCompletionsRoute);
  // Server-Timing: `render` (segments rendered for x-glyph-budget) and `deliver` (their pages made into parts).
  routes.post('/completions', timing({ total: false }), deps.authenticate, (c) => chatCompletion(c, deps));
  routes.onError((error) => gatewayErrorResponse(error));
  return routes;
}
