/**
 * Response headers of the demo page and its assets. The page talks only to its own origin and
 * shows page images from blob: URLs (fetched with the API key, which an <img> cannot send), so
 * the policy allows exactly that and nothing else: no inline script or style, no other origin.
 */

/** The Content-Security-Policy of the demo page. */
export const DEMO_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  // The client never writes HTML strings into the DOM; this makes the browser hold it to that.
  "require-trusted-types-for 'script'",
].join('; ');

/** Headers every demo response carries (`contentType` and caching vary per response). */
export function demoHeaders(contentType: string, cacheControl: string): Record<string, string> {
  return {
    'content-type': contentType,
    'cache-control': cacheControl,
    'content-security-policy': DEMO_CSP,
    'x-content-type-options': 'nosniff',
    // The page may be opened as /?key=…: never send that URL on to anyone.
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
}
