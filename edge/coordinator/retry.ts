/**
 * A render that survives one runner dying mid-stream: the runner is reported to the pool's
 * circuit breaker and the render is asked once more of another runner.
 */
import { RunnerStreamError } from '../runners/errors.ts';
import { renderIntoR2, type RenderIntoR2Options, type RenderIntoR2Result } from './render-stream.ts';

/**
 * {@link renderIntoR2}, retried once without the runner that broke off. Only a stream break is
 * retried here: connect errors, timeouts and 5xx before the headers are already failed over by
 * the pool itself, and a 4xx is the request's fault.
 */
export async function renderWithRetry(options: Omit<RenderIntoR2Options, 'exclude'>): Promise<RenderIntoR2Result> {
  try {
    return await renderIntoR2(options);
  } catch (error) {
    if (!(error instanceof RunnerStreamError)) throw error;
    console.warn(`edge: ${error.message}; retrying on another runner`);
    options.runners.reportFailure(error.runner);
    return renderIntoR2({ ...options, exclude: [error.runner] });
  }
}
