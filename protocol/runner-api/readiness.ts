/** The answer of the runner's signed `GET /readyz`, as far as the edge reads it. */
import { z } from 'zod';

/** Body of `GET /readyz` (200 when ready, 503 while loading or draining); other fields pass through. */
export const runnerReadinessSchema = z.looseObject({
  ready: z.boolean(),
  status: z.enum(['ready', 'loading', 'draining']),
  /** The ONNX execution provider the OCR model runs on (`cuda`, `cpu`, or `unknown` while loading). */
  executionProvider: z.string(),
  /** On CPU, why not CUDA. */
  cpuReason: z.string().optional(),
});
/** Body of the runner's `GET /readyz`. */
export type RunnerReadiness = z.infer<typeof runnerReadinessSchema>;
