/**
 * The signed internal API between edge and runner, typed both ways: request schemas (the runner
 * validates with them, the edge builds with them) and response schemas (the edge validates every
 * answer with them). Pure TypeScript, Web-standard: both sides import it.
 */
export * from './runner-api/answer.ts';
export * from './runner-api/decode.ts';
export * from './runner-api/error-body.ts';
export * from './runner-api/extract.ts';
export * from './runner-api/readiness.ts';
export * from './runner-api/render.ts';
export * from './runner-api/requests.ts';
export * from './runner-api/routes.ts';
export * from './runner-api/tokens.ts';
