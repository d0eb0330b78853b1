/** Paths of the runner's signed work routes. */

/** Path of each runner work route. */
export const RUNNER_PATHS = {
  render: '/v1/render',
  decode: '/v1/decode',
  answer: '/v1/answer',
  tokens: '/v1/tokens',
  extract: '/v1/extract',
} as const;
/** A runner work route. */
export type RunnerRoute = keyof typeof RUNNER_PATHS;
