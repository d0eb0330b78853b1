/**
 * Client module `/demo/api.js`: the glyphgate API as the demo page calls it. Every call carries
 * the Bearer key; every failure becomes an ApiError carrying the API's `{ error: { code, message } }`.
 * (Browser JavaScript kept as a string so the Worker serves it without a build step; it avoids
 * backticks and `${` so the String.raw literal holds it verbatim.)
 */
export const API_JS = String.raw`// The glyphgate API as the demo uses it (see DESIGN.md, "Public API").

/** An API failure: HTTP status (0 when the API could not be reached), error code and message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

async function failureOf(res) {
  let code = 'http_' + res.status;
  let message = res.statusText || 'request failed';
  try {
    const body = await res.json();
    if (body && body.error) ({ code, message } = body.error);
  } catch {
    // Not JSON (a proxy's error page): the status line is all there is.
  }
  const retry = res.headers.get('retry-after');
  if (retry) message += ' (retry in ' + retry + ' s)';
  return new ApiError(res.status, code, message);
}

/** The API client; getKey() is read at each call, so editing the key field takes effect at once. */
export function createApi(getKey) {
  async function send(method, path, body, type) {
    const headers = { authorization: 'Bearer ' + getKey() };
    if (type) headers['content-type'] = type;
    let res;
    try {
      res = await fetch(path, { method, headers, body });
    } catch (error) {
      throw new ApiError(0, 'network_error', 'could not reach the API (' + error.message + ')');
    }
    if (!res.ok) throw await failureOf(res);
    return res;
  }
  const post = (path, fields) => send('POST', path, JSON.stringify(fields), 'application/json');
  const doc = (id) => '/v1/documents/' + encodeURIComponent(id);

  return {
    /** POST /v1/documents → { id, chars, textTokens }. */
    async upload(text, type) {
      return (await send('POST', '/v1/documents', text, type + '; charset=utf-8')).json();
    },
    /** POST /v1/documents/:id/render → { status: 200 | 202, body }. */
    async render(id, fields) {
      const res = await post(doc(id) + '/render', fields);
      return { status: res.status, body: await res.json() };
    },
    /** GET /v1/jobs/:id → the job's progress. */
    async job(jobId) {
      return (await send('GET', '/v1/jobs/' + encodeURIComponent(jobId))).json();
    },
    /** POST /v1/documents/:id/query → { answer, answerer, citations }. */
    async query(id, fields) {
      return (await post(doc(id) + '/query', fields)).json();
    },
    /** POST /v1/documents/:id/decode → { charAccuracy, linesChecked, lines }. */
    async decode(id, fields) {
      return (await post(doc(id) + '/decode', fields)).json();
    },
    /** GET the line boxes of one page of a render → { lines: [{ page, line, box }] }. */
    async layout(id, renderId, page) {
      return (await send('GET', doc(id) + '/renders/' + encodeURIComponent(renderId) + '/layout?page=' + page)).json();
    },
    /** GET a page image as a Blob (the manifest's URL, requested on this origin). */
    async pageBlob(url) {
      return (await send('GET', new URL(url, location.href).pathname)).blob();
    },
  };
}
`;
