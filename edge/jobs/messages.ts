/** What travels on the `glyph-jobs` queue. */

/** Render the job's next page range, starting at `firstPage` (1-based). */
export interface JobMessage {
  jobId: string;
  firstPage: number;
}
