/** `If-None-Match` handling (RFC 9110 §13.1.2): weak comparison, lists and `*`. */

/** Whether `ifNoneMatch` matches `etag`, so the client's copy is current (answer 304). */
export function ifNoneMatchHits(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const wanted = strip(etag);
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || strip(t) === wanted;
  });
}

function strip(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
