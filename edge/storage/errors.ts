/**
 * A failed write to R2: the storage's fault, not the request's or a runner's. Kept apart from other
 * errors so a render whose page write failed is not blamed on (and retried away from) the runner
 * that streamed it, and so the client gets a 503 to retry rather than a 500.
 */

/** An R2 write failed; nothing that depends on it was committed. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  /** Builds the error; `what` names the write ("page 4", "manifest") for logs, never its contents. */
  constructor(what: string, options?: { cause?: unknown }) {
    super(`storage write failed: ${what}`, options);
  }
}

/** Awaits an R2 write, turning its failure into a {@link StorageError} that names it. */
export async function storageWrite<T>(what: string, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    throw new StorageError(what, { cause: error });
  }
}
