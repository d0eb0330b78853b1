/**
 * `npm run keys -- <command>`: tenants and API keys in the edge's D1, through wrangler (so it works
 * offline against the local database `wrangler dev` uses, or with --remote against production).
 *
 *   create --tenant acme [--key <value>] [--quota <units>] [--rate-limit <per minute>]
 *                                                             new key, printed once (only its hash is stored)
 *   revoke --key-id key_…                                     revoke a key
 *   list [--tenant acme]                                      key ids, tenants, created/revoked (never keys)
 *
 * Common options: --persist-to <dir> (default .wrangler/state, wrangler's own default),
 * --remote (the deployed database), --json (machine-readable output), --no-migrate (skip applying
 * migrations first; by default they are applied so a fresh checkout just works).
 * API_KEY_PEPPER in the environment must match the Worker's secret when one is set.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateApiKey, generateKeyId, hashApiKey } from '../edge/tenancy/key-hash.ts';
import { isTenantId } from '../edge/storage/keys.ts';
import { REPO_ROOT } from './stack/paths.ts';

// Found from here, so that this runs the same as source and as built JavaScript (dist/infra/).
const root = REPO_ROOT;
const wranglerBin = join(root, 'node_modules', '.bin', 'wrangler');

/** Fails with a one-line message and exit code 2 (usage) or 1 (runtime). */
function die(message: string, code = 2): never {
  process.stderr.write(`keys: ${message}\n`);
  process.exit(code);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    tenant: { type: 'string' },
    key: { type: 'string' },
    'key-id': { type: 'string' },
    quota: { type: 'string' },
    'rate-limit': { type: 'string' },
    'persist-to': { type: 'string', default: join(root, '.wrangler', 'state') },
    remote: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'no-migrate': { type: 'boolean', default: false },
  },
});

function wrangler(args: string[]): string {
  const target = values.remote ? ['--remote'] : ['--local', '--persist-to', values['persist-to']!];
  const result = spawnSync(wranglerBin, [...args, ...target], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
  });
  if (result.status !== 0) die(`wrangler ${args.slice(0, 3).join(' ')} failed:\n${result.stderr || result.stdout}`, 1);
  return result.stdout;
}

/** Runs SQL and returns the rows of the last statement. */
function sql(command: string): Record<string, unknown>[] {
  const out = wrangler(['d1', 'execute', 'DB', '--json', '--command', command]);
  const parsed = JSON.parse(out.slice(out.indexOf('['))) as { results: Record<string, unknown>[] }[];
  return parsed.at(-1)?.results ?? [];
}

// Every interpolated value is validated first (slug, hex, key id, integer); quoting is belt and braces.
const q = (s: string): string => `'${s.replace(/'/g, "''")}'`;

async function create(): Promise<void> {
  const tenant = values.tenant;
  if (!tenant || !isTenantId(tenant))
    die('create needs --tenant <slug> (lowercase letters, digits, - and _; up to 63)');
  const quota = values.quota === undefined ? null : Number(values.quota);
  if (quota !== null && (!Number.isSafeInteger(quota) || quota < 0)) die('--quota must be a whole number of units');
  const rate = values['rate-limit'] === undefined ? null : Number(values['rate-limit']);
  if (rate !== null && (!Number.isSafeInteger(rate) || rate < 1))
    die('--rate-limit must be a whole number of requests per minute ≥ 1');
  const key = values.key ?? generateApiKey();
  if (!/^[\x21-\x7e]{8,256}$/.test(key)) die('--key must be 8 to 256 visible ASCII characters');
  const keyId = generateKeyId();
  const hash = await hashApiKey(key, process.env.API_KEY_PEPPER);
  const now = Date.now();
  sql(
    `INSERT INTO tenants (id, created_at, monthly_quota_units) VALUES (${q(tenant)}, ${now}, ${quota ?? 'NULL'})
       ON CONFLICT (id) DO UPDATE SET monthly_quota_units = COALESCE(excluded.monthly_quota_units, monthly_quota_units);
     INSERT INTO api_keys (id, tenant, hash, created_at, revoked_at, rate_limit_per_minute)
       VALUES (${q(keyId)}, ${q(tenant)}, ${q(hash)}, ${now}, NULL, ${rate ?? 'NULL'})
       ON CONFLICT (hash) DO UPDATE SET revoked_at = NULL, rate_limit_per_minute = excluded.rate_limit_per_minute;`,
  );
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ tenant, keyId, key })}\n`);
  } else {
    process.stdout.write(
      `tenant   ${tenant}\nkey id   ${keyId}\napi key  ${key}\n\nThe key is shown only now: only its SHA-256 is stored.\n`,
    );
  }
}

function revoke(): void {
  const keyId = values['key-id'];
  if (!keyId || !/^key_[0-9a-f]{16}$/.test(keyId)) die('revoke needs --key-id key_<16 hex>');
  const rows = sql(`UPDATE api_keys SET revoked_at = ${Date.now()} WHERE id = ${q(keyId)} RETURNING id`);
  if (rows.length === 0) die(`no key ${keyId}`, 1);
  process.stdout.write(values.json ? `${JSON.stringify({ revoked: keyId })}\n` : `revoked ${keyId}\n`);
}

function list(): void {
  const tenant = values.tenant;
  if (tenant !== undefined && !isTenantId(tenant)) die('--tenant must be a tenant slug');
  const rows = sql(
    `SELECT id, tenant, created_at, revoked_at FROM api_keys ${tenant ? `WHERE tenant = ${q(tenant)}` : ''} ORDER BY tenant, created_at`,
  );
  if (values.json) {
    process.stdout.write(`${JSON.stringify(rows)}\n`);
    return;
  }
  for (const r of rows) {
    const created = new Date(Number(r.created_at)).toISOString();
    const revoked = r.revoked_at ? ` revoked ${new Date(Number(r.revoked_at)).toISOString()}` : '';
    process.stdout.write(`${r.id}  ${r.tenant}  created ${created}${revoked}\n`);
  }
}

const command = positionals[0];
if (!['create', 'revoke', 'list'].includes(command ?? ''))
  die('usage: npm run keys -- create --tenant <slug> | revoke --key-id <id> | list');
if (!values['no-migrate']) wrangler(['d1', 'migrations', 'apply', 'DB']);
if (command === 'create') await create();
else if (command === 'revoke') revoke();
else list();
