/** The JSON error body both the edge and the runner answer with. */
import { z } from 'zod';

/** `{ "error": { "code", "message" } }`. */
export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
/** JSON error body shared by edge and runner. */
export type ApiErrorBody = z.infer<typeof errorBodySchema>;
