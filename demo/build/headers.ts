/**
 * Response headers of the demo page and its assets, written into the assets' `_headers` file
 * (Workers static assets apply it to every file they serve). The page talks only to its own
 * origin and shows page images from blob: URLs (fetched with the API key, which an <img> cannot
 * send), so the policy allows exactly that and nothing else: no inline script or style, no other
 * origin.
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

/** Headers every demo file carries (content type, ETag and caching come from the asset server). */
export const DEMO_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': DEMO_CSP,
  'X-Content-Type-Options': 'nosniff',
  // The page may be opened as /?key=…: never send that URL on to anyone.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
});

/** The `_headers` file: {@link DEMO_HEADERS} on every path the assets serve. */
export function headersFile(): string {
  const lines = Object.entries(DEMO_HEADERS).map(([name, value]) => `  ${name}: ${value}`);
  return ['/*', ...lines, ''].join('\n');
}
