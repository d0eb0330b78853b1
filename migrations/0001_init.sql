-- glyphgate edge: tenants, hashed API keys, metering, async jobs, documents.
-- Times are unix milliseconds (INTEGER): cheap range scans for /v1/usage and rate windows.

CREATE TABLE tenants (
  id TEXT PRIMARY KEY,                 -- slug chosen by the operator ("acme")
  created_at INTEGER NOT NULL,
  monthly_quota_units INTEGER          -- NULL: the MONTHLY_QUOTA_UNITS default applies
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,                 -- public key id ("key_…"), shown in usage rows
  tenant TEXT NOT NULL REFERENCES tenants(id),
  hash TEXT NOT NULL UNIQUE,           -- hex SHA-256 (or HMAC with API_KEY_PEPPER) of the key; the key itself is never stored
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,                  -- NULL while the key is valid
  rate_limit_per_minute INTEGER        -- NULL: the RATE_LIMIT_PER_MINUTE default applies
);
CREATE INDEX api_keys_tenant ON api_keys(tenant);

CREATE TABLE documents (
  tenant TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  chars INTEGER NOT NULL,              -- Unicode code points
  bytes INTEGER NOT NULL,              -- UTF-8 bytes as stored in R2
  text_tokens INTEGER,                 -- Qwen3 tokens; NULL until the first render manifest reports it
  created_at INTEGER NOT NULL,
  PRIMARY KEY (tenant, sha256)
);

CREATE TABLE usage (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  key_id TEXT NOT NULL,
  operation TEXT NOT NULL,             -- upload | render | query | decode
  units INTEGER NOT NULL,
  visual_tokens INTEGER NOT NULL DEFAULT 0,
  text_tokens INTEGER NOT NULL DEFAULT 0,
  pages INTEGER NOT NULL DEFAULT 0,
  cache_hit INTEGER NOT NULL DEFAULT 0,
  document TEXT,                       -- sha256 of the document, when there is one
  idempotency_key TEXT UNIQUE,         -- a retried call with the same key is billed once
  created_at INTEGER NOT NULL
);
CREATE INDEX usage_tenant_time ON usage(tenant, created_at);

-- Month-to-date units per tenant, kept by a trigger so the quota check is one indexed read
-- instead of a SUM over the month's usage rows on every billable call.
CREATE TABLE usage_monthly (
  tenant TEXT NOT NULL,
  month TEXT NOT NULL,                 -- "YYYY-MM" (UTC)
  units INTEGER NOT NULL,
  PRIMARY KEY (tenant, month)
);
CREATE TRIGGER usage_monthly_count AFTER INSERT ON usage
BEGIN
  INSERT INTO usage_monthly (tenant, month, units)
  VALUES (NEW.tenant, strftime('%Y-%m', NEW.created_at / 1000, 'unixepoch'), NEW.units)
  ON CONFLICT (tenant, month) DO UPDATE SET units = units + excluded.units;
END;

-- Fixed one-minute windows per API key (RATE_LIMIT_PER_MINUTE).
CREATE TABLE rate_windows (
  key_id TEXT NOT NULL,
  minute INTEGER NOT NULL,             -- unix minute
  count INTEGER NOT NULL,
  PRIMARY KEY (key_id, minute)
);

CREATE TABLE jobs (
  id TEXT PRIMARY KEY,                 -- "job_" + 32 hex
  tenant TEXT NOT NULL,
  key_id TEXT NOT NULL,
  document TEXT NOT NULL,              -- sha256
  config_hash TEXT NOT NULL,           -- = renderId
  request TEXT NOT NULL,               -- JSON {preset?, config?, profile}: what the runner is asked
  status TEXT NOT NULL,                -- queued | running | done | failed
  pages_done INTEGER NOT NULL DEFAULT 0,
  pages_total INTEGER,                 -- known after the first range
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX jobs_render ON jobs(tenant, document, config_hash, status);
