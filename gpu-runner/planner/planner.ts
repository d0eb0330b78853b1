/**
 * Where the runner lays documents out: a small pool of worker threads (piscina) that run
 * gpu-runner/planner/plan-task.ts, so that a long layout or token count never blocks the event
 * loop that serves other requests, probes and metrics. A task aborted by its signal (the client
 * left, the deadline passed) is dropped from the pool's queue, or its thread is ended if it is
 * running, so abandoned work does not keep a core busy.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { ReflowMode, RenderConfig } from '../../protocol/render-config.ts';
import type { TextTokenizerFamily } from '../../protocol/text-tokenizers.ts';
import type { DocumentKind } from '../../protocol/document-kinds.ts';
import { KindError, type KindErrorCode, type KindErrorStatus } from '../kinds/errors.ts';
import type { CountTask, ExtractTask, extractPdf, PlanOutcome, PlanTask } from './plan-task.ts';

/** A PDF's text layer in the stored form (kinds/pdf-text.ts). */
export interface ExtractedPdf {
  text: string;
  pages: number;
  pageStarts: number[];
  title?: string;
}

/** Options of {@link RenderPlanner.plan}. */
export interface PlanOptions {
  /** Also count the text's tokens (in `tokenizer`'s family, default Qwen3). */
  countTokens?: boolean;
  signal?: AbortSignal;
  /** Reflow plain text before layout (default `off`). */
  reflow?: ReflowMode;
  /** Tokenizer family of the count (default Qwen3). */
  tokenizer?: TextTokenizerFamily;
  /** The text's input kind (default `text`), and a code document's language or file name. */
  kind?: DocumentKind;
  language?: string;
  fileName?: string;
}

/** Lays a document out (page sizes, layout map, glyph places) and optionally counts its tokens. */
export interface RenderPlanner {
  plan(text: string, config: RenderConfig, options?: PlanOptions): Promise<PlanOutcome>;
  /** A PDF's text layer (`POST /v1/extract`), read off the event loop; throws `KindError` for a refused PDF. */
  extractPdf?(
    bytes: Uint8Array,
    limits: { maxPages: number; maxChars: number },
    options?: { signal?: AbortSignal },
  ): Promise<ExtractedPdf>;
  /** Counts the text's Qwen3 tokens, without laying it out (`POST /v1/tokens`). */
  countTokens(text: string, options?: { signal?: AbortSignal; family?: TextTokenizerFamily }): Promise<number>;
  close(): Promise<void>;
}

/** Options of {@link ThreadPlanner}. */
export interface ThreadPlannerOptions {
  /** Worker threads; default half the cores (at least 1): rendering and OCR need the rest. */
  threads?: number;
}

/** A {@link RenderPlanner} on worker threads; see the module comment. */
export class ThreadPlanner implements RenderPlanner {
  private readonly pool: Piscina<PlanTask, PlanOutcome>;
  /** Worker threads in the pool. */
  readonly threads: number;

  constructor(options: ThreadPlannerOptions = {}) {
    const threads = options.threads ?? Math.max(1, Math.floor(availableParallelism() / 2));
    this.threads = threads;
    this.pool = new Piscina({
      // The task module beside this one: .ts when run from source (tests), .js when built.
      filename: new URL(`./plan-task${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      // Threads keep their fonts and tokenizer loaded: never retired for being idle.
      idleTimeout: Number.POSITIVE_INFINITY,
    });
  }

  /** Loads fonts and the tokenizer in every thread, so the first real render does not pay for it. */
  async warmUp(config: RenderConfig): Promise<void> {
    // A thread takes one task at a time, so as many tasks at once reach every thread.
    const tasks = Array.from({ length: this.threads }, () => this.plan('warm up', config, { countTokens: true }));
    await Promise.all(tasks);
  }

  async plan(text: string, config: RenderConfig, options: PlanOptions = {}): Promise<PlanOutcome> {
    const { signal } = options;
    try {
      const task: PlanTask = { text, config, countTokens: options.countTokens ?? false };
      if (options.reflow) task.reflow = options.reflow;
      if (options.tokenizer) task.tokenizer = options.tokenizer;
      if (options.kind) task.kind = options.kind;
      if (options.language) task.language = options.language;
      if (options.fileName) task.fileName = options.fileName;
      return await this.pool.run(task, { signal: signal ?? null });
    } catch (e) {
      // piscina rejects with its own AbortError; the caller's reason (a deadline: 504) is what counts.
      if (signal?.aborted) throw signal.reason;
      throw e;
    }
  }

  async countTokens(
    text: string,
    options: { signal?: AbortSignal; family?: TextTokenizerFamily } = {},
  ): Promise<number> {
    const { signal } = options;
    try {
      // The task module's `countTokens` export, in the same threads (their tokenizer is loaded).
      const task: CountTask = options.family ? { text, family: options.family } : { text };
      return (await this.pool.run(task as never, { name: 'countTokens', signal: signal ?? null })) as unknown as number;
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw e;
    }
  }

  async extractPdf(
    bytes: Uint8Array,
    limits: { maxPages: number; maxChars: number },
    options: { signal?: AbortSignal } = {},
  ): Promise<ExtractedPdf> {
    const { signal } = options;
    const task: ExtractTask = { bytes, ...limits };
    let outcome: Awaited<ReturnType<typeof extractPdf>>;
    try {
      outcome = (await this.pool.run(task as never, {
        name: 'extractPdf',
        signal: signal ?? null,
      })) as unknown as typeof outcome;
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      throw e;
    }
    if ('error' in outcome) {
      const { status, code, message } = outcome.error;
      throw new KindError(status as KindErrorStatus, code as KindErrorCode, message);
    }
    return outcome;
  }

  async close(): Promise<void> {
    await this.pool.close({ force: true });
  }
}
