/**
 * The `RUNNERS` setting: the base URLs of the runners the edge routes to.
 */

/**
 * Checks one runner base URL and returns it normalised: http or https only, no user:password,
 * no query or fragment (paths are appended to it), trailing slashes removed. A path prefix is
 * kept (`https://gpu.example/runner-a` for runners behind a shared proxy). Throws a clear Error.
 */
export function normalizeRunnerUrl(value: string): string {
  const raw = value.trim();
  const shown = redactUserinfo(raw);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`runner URL "${shown}" is not an absolute URL (expected e.g. https://runner-1.example:8788)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`runner URL "${shown}" must use http or https, not ${url.protocol.slice(0, -1)}`);
  }
  if (url.username !== '' || url.password !== '') {
    // Runner calls are authenticated by request signing; credentials in the URL would only leak
    // into logs. The message does not repeat the URL for the same reason.
    throw new Error('runner URL must not contain credentials (user:password@); requests are signed instead');
  }
  if (url.search !== '' || url.hash !== '' || raw.includes('?') || raw.includes('#')) {
    throw new Error(`runner URL "${shown}" must not have a query or fragment`);
  }
  // url.href lowercases the scheme and host and drops default ports, so equal runners compare equal.
  return url.href.replace(/\/+$/, '');
}

/**
 * Parses `RUNNERS`: URLs separated by commas and/or whitespace, or a JSON array of strings.
 * Each is checked by {@link normalizeRunnerUrl}; an empty list or a repeated runner is an Error.
 */
export function parseRunners(value: string | undefined | null): string[] {
  const text = (value ?? '').trim();
  if (text === '') {
    throw new Error('RUNNERS is empty; expected runner URLs, e.g. "http://127.0.0.1:8788" or a JSON array');
  }
  let items: string[];
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new Error(`RUNNERS looks like a JSON array but does not parse: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed) || !parsed.every((item): item is string => typeof item === 'string')) {
      throw new Error('RUNNERS as JSON must be an array of URL strings');
    }
    items = parsed;
  } else {
    items = text.split(/[\s,]+/).filter((item) => item !== '');
  }
  if (items.length === 0) {
    throw new Error('RUNNERS lists no runner URL');
  }
  const runners: string[] = [];
  items.forEach((item, index) => {
    let runner: string;
    try {
      runner = normalizeRunnerUrl(item);
    } catch (error) {
      throw new Error(`RUNNERS entry ${index + 1} of ${items.length}: ${(error as Error).message}`);
    }
    if (runners.includes(runner)) {
      throw new Error(`RUNNERS entry ${index + 1} of ${items.length} repeats ${runner}`);
    }
    runners.push(runner);
  });
  return runners;
}

// Error messages end up in logs: never echo what looks like user:password@ in front of a host.
function redactUserinfo(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#@]*@/i, '$1***@');
}
