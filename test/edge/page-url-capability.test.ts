import { describe, expect, it } from 'vitest';
import {
  grantMessage,
  MAX_URL_TTL_SECONDS,
  sharedPagePath,
  signedPageUrl,
  signGrant,
  urlTtlSeconds,
  verifyGrant,
  type PageGrant,
} from '../../edge/page-urls/capability.ts';

const SECRET = 'page-url-test-secret';
const grant: PageGrant = {
  tenant: 'acme',
  documentId: 'a'.repeat(64),
  renderId: 'b'.repeat(64),
  n: 3,
  expires: 2_000_000_000,
};

describe('page URL capability', () => {
  it('signs every field, and verifies what it signed', async () => {
    expect(grantMessage(grant)).toBe(`glyph-page-url/v1\nacme\n${'a'.repeat(64)}\n${'b'.repeat(64)}\n3\n2000000000`);
    const sig = await signGrant(SECRET, grant);
    expect(sig).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyGrant(SECRET, grant, sig, grant.expires)).toEqual({ ok: true });
  });

  it('refuses the signature for another page, render, document, tenant, expiry, or secret', async () => {
    const sig = await signGrant(SECRET, grant);
    const retargeted: PageGrant[] = [
      { ...grant, n: 4 },
      { ...grant, renderId: 'c'.repeat(64) },
      { ...grant, documentId: 'd'.repeat(64) },
      { ...grant, tenant: 'other' },
      { ...grant, expires: grant.expires + 1 },
    ];
    for (const g of retargeted)
      expect(await verifyGrant(SECRET, g, sig, 0)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verifyGrant('another-secret', grant, sig, 0)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses an expired grant and a malformed or flipped signature', async () => {
    const sig = await signGrant(SECRET, grant);
    expect(await verifyGrant(SECRET, grant, sig, grant.expires + 1)).toEqual({ ok: false, reason: 'expired' });
    expect(await verifyGrant(SECRET, grant, sig.toUpperCase(), 0)).toEqual({ ok: false, reason: 'malformed' });
    expect(await verifyGrant(SECRET, grant, sig.slice(2), 0)).toEqual({ ok: false, reason: 'malformed' });
    const flipped = (sig[0] === '0' ? '1' : '0') + sig.slice(1);
    expect(await verifyGrant(SECRET, grant, flipped, 0)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('builds the URL under /v1/shared with expires and signature', async () => {
    const url = new URL(await signedPageUrl('https://g.example', SECRET, grant));
    expect(url.pathname).toBe(sharedPagePath(grant));
    expect(url.pathname).toBe(`/v1/shared/acme/${'a'.repeat(64)}/renders/${'b'.repeat(64)}/pages/3`);
    expect(url.searchParams.get('expires')).toBe('2000000000');
    expect(url.searchParams.get('signature')).toBe(await signGrant(SECRET, grant));
  });

  it('defaults the lifetime to one hour and caps it at seven days', () => {
    expect(urlTtlSeconds(undefined)).toBe(3600);
    expect(urlTtlSeconds(MAX_URL_TTL_SECONDS)).toBe(604_800);
    for (const bad of [0, -1, 1.5, MAX_URL_TTL_SECONDS + 1]) expect(() => urlTtlSeconds(bad)).toThrow(RangeError);
  });
});
