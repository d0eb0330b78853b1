/** Answer backends of the runner's `/v1/answer`: pick one with {@link createAnswerBackend}. */
export {
  createAnswerBackend,
  type AnswerBackend,
  type AnswerSettings,
  type AnswerEvent,
  type AnswerInput,
} from './backend.ts';
export { UpstreamError, type UpstreamErrorCode } from '../errors.ts';
export { ExtractiveBackend, extractAnswer, EXTRACTIVE_ANSWERER, NO_MATCH_ANSWER } from './extractive.ts';
export { OpenAIBackend, OPENAI_DEFAULTS, type OpenAIBackendOptions } from './openai.ts';
