/**
 * The address a request comes from, as a key for per-client limits. Cloudflare sets
 * `CF-Connecting-IP` on every request it forwards and overwrites any value a client sent, so the
 * header is trustworthy in production (wrangler dev sets it too, keeping a client's own value, which
 * lets tests play several clients). `X-Forwarded-For` is not read: a client writes what it likes.
 */

/** The key of requests that arrive without `CF-Connecting-IP` (not through Cloudflare): one bucket. */
export const UNKNOWN_ADDRESS = 'unknown';

// An IPv4 address: four decimal octets.
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
// Hex groups and colons only (with an optional embedded IPv4 tail); bounded, so the test is linear.
const IPV6 = /^[0-9a-f:]{2,39}(?:\d{1,3}(?:\.\d{1,3}){3})?$/i;

/**
 * The limit key of `request`'s client: its IPv4 address, or the /64 prefix of its IPv6 address —
 * one subscriber usually holds a whole /64, so counting single IPv6 addresses would let one client
 * rotate through 2^64 of them. Anything unreadable counts as {@link UNKNOWN_ADDRESS}.
 */
export function clientAddress(request: Request): string {
  const value = request.headers.get('cf-connecting-ip')?.trim() ?? '';
  if (IPV4.test(value)) return value;
  if (value.includes(':') && IPV6.test(value)) return ipv6Prefix64(value) ?? UNKNOWN_ADDRESS;
  return UNKNOWN_ADDRESS;
}

/** `2001:db8:1:2::/64` for any address in that /64; undefined when `address` is not IPv6. */
export function ipv6Prefix64(address: string): string | undefined {
  const groups = expandIpv6(address.toLowerCase());
  if (!groups) return undefined;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

// The eight 16-bit groups of an IPv6 address ("::" expanded; an IPv4 tail is two groups).
function expandIpv6(address: string): string[] | undefined {
  let text = address;
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    const hi = ((octets[0]! << 8) | octets[1]!).toString(16);
    const lo = ((octets[2]! << 8) | octets[3]!).toString(16);
    text = `${text.slice(0, v4.index)}${hi}:${lo}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  return groups.every((g) => /^[0-9a-f]{1,4}$/.test(g)) ? groups : undefined;
}
