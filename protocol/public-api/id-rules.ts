/**
 * The patterns path ids must follow, with the 400 each answers otherwise. The route schemas
 * (params.ts) check them before an id reaches an R2 key, so `..`, `/`, `%2F`, NUL or anything else
 * odd can never address an object outside the caller's tenant prefix; and the pattern the OpenAPI
 * document shows is the one enforced.
 */

const SHA256 = /^[0-9a-f]{64}$/;

/** A path id's rule: its pattern, and the 400 it answers otherwise. */
export interface IdRule {
  pattern: RegExp;
  code: string;
  message: string;
}

/**
 * The rule of each path id.
 */
export const ID_RULES = {
  document: {
    pattern: SHA256,
    code: 'invalid_document_id',
    message: 'document id must be 64 lowercase hex characters (the SHA-256 of the text)',
  },
  render: { pattern: SHA256, code: 'invalid_render_id', message: 'render id must be 64 lowercase hex characters' },
  page: { pattern: /^[1-9][0-9]{0,5}$/, code: 'invalid_page', message: 'page must be a whole number from 1' },
  job: {
    pattern: /^job_[0-9a-f]{32}$/,
    code: 'invalid_job_id',
    message: 'job id must look like job_ followed by 32 hex characters',
  },
} as const satisfies Record<string, IdRule>;
