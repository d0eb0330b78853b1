/**
 * Input kinds and how an upload names one: `?kind=&language=` win, then a specific
 * `Content-Type` (`text/markdown`, `application/pdf`, `text/html`, `text/x-<language>`,
 * `text/x-log`), then the file name's extension, then plain text. Generic content types
 * (`text/plain`, `application/octet-stream`) say nothing about the kind, so a file name beats
 * them: browsers and `curl -T` send those for `.md` and `.py` files. Pure TypeScript: the edge
 * (upload routes) and the runner (CLI, extraction) both import it.
 */

/** Every input kind, as spelled in `?kind=`, document records and render manifests. */
export const DOCUMENT_KINDS = ['text', 'markdown', 'code', 'pdf', 'html', 'log'] as const;

/** An input kind. */
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** A kind with its language (code only) and what decided it. */
export interface ResolvedKind {
  kind: DocumentKind;
  /** Highlighter language name for `code` (lower case, e.g. `python`); absent: from the file name or none. */
  language?: string;
  /** What chose the kind. */
  from: 'query' | 'content-type' | 'file-name' | 'default';
}

/** What an upload says about its kind. */
export interface KindHints {
  /** `?kind=` (wins over everything). */
  kind?: string | null;
  /** `?language=` (implies `code` when no kind is given). */
  language?: string | null;
  /** The `Content-Type` header, parameters allowed. */
  contentType?: string | null;
  /** The uploaded file's name (multipart filename, CLI path). */
  fileName?: string | null;
}

/** A `kind` or `language` the upload named that is not one we know; `key` names the field. */
export class DocumentKindError extends Error {
  override readonly name = 'DocumentKindError';
  constructor(
    message: string,
    readonly key: 'kind' | 'language',
  ) {
    super(message);
  }
}

/** True when `value` is a kind name. */
export function isDocumentKind(value: string): value is DocumentKind {
  return (DOCUMENT_KINDS as readonly string[]).includes(value);
}

/** Language names are short identifiers (`python`, `c++`, `objective-c`, `c#`). */
const LANGUAGE_NAME = /^[a-z0-9][a-z0-9+#._-]{0,31}$/;

/** Subtypes of `text/x-…` and `application/…` that are not their language's name. */
const LANGUAGE_ALIASES: Readonly<Record<string, string>> = {
  csrc: 'c',
  chdr: 'c',
  'c++src': 'cpp',
  'c++hdr': 'cpp',
  'c++': 'cpp',
  'java-source': 'java',
  'python-script': 'python',
  py: 'python',
  sh: 'bash',
  shellscript: 'bash',
  ecmascript: 'javascript',
  js: 'javascript',
  ts: 'typescript',
  rustsrc: 'rust',
  golang: 'go',
  csharp: 'csharp',
  yml: 'yaml',
};

/** Specific content types (no `text/x-` prefix rule needed) and their kind. */
const CONTENT_TYPES: Readonly<Record<string, { kind: DocumentKind; language?: string }>> = {
  'text/markdown': { kind: 'markdown' },
  'text/x-markdown': { kind: 'markdown' },
  'application/pdf': { kind: 'pdf' },
  'application/x-pdf': { kind: 'pdf' },
  'text/html': { kind: 'html' },
  'application/xhtml+xml': { kind: 'html' },
  'text/x-log': { kind: 'log' },
  'text/javascript': { kind: 'code', language: 'javascript' },
  'application/javascript': { kind: 'code', language: 'javascript' },
  'application/typescript': { kind: 'code', language: 'typescript' },
  'application/json': { kind: 'code', language: 'json' },
  'application/x-sh': { kind: 'code', language: 'bash' },
  'application/sql': { kind: 'code', language: 'sql' },
  'application/xml': { kind: 'code', language: 'xml' },
  'text/xml': { kind: 'code', language: 'xml' },
  'text/css': { kind: 'code', language: 'css' },
  'application/yaml': { kind: 'code', language: 'yaml' },
  'application/toml': { kind: 'code', language: 'toml' },
};

/** Content types that say nothing about the kind. */
const GENERIC_CONTENT_TYPES = new Set(['text/plain', 'application/octet-stream', '']);

/** File extensions (lower case, no dot) and their kind; code extensions carry their language. */
const EXTENSIONS: Readonly<Record<string, { kind: DocumentKind; language?: string }>> = {
  txt: { kind: 'text' },
  text: { kind: 'text' },
  md: { kind: 'markdown' },
  markdown: { kind: 'markdown' },
  mdown: { kind: 'markdown' },
  pdf: { kind: 'pdf' },
  html: { kind: 'html' },
  htm: { kind: 'html' },
  xhtml: { kind: 'html' },
  log: { kind: 'log' },
  ...codeExtensions({
    python: ['py', 'pyi', 'pyw'],
    typescript: ['ts', 'tsx', 'mts', 'cts'],
    javascript: ['js', 'jsx', 'mjs', 'cjs'],
    json: ['json'],
    rust: ['rs'],
    go: ['go'],
    java: ['java'],
    kotlin: ['kt', 'kts'],
    scala: ['scala'],
    c: ['c', 'h'],
    cpp: ['cc', 'cpp', 'cxx', 'hpp', 'hh', 'hxx'],
    csharp: ['cs'],
    ruby: ['rb'],
    php: ['php'],
    bash: ['sh', 'bash', 'zsh'],
    yaml: ['yaml', 'yml'],
    toml: ['toml'],
    ini: ['ini', 'cfg'],
    sql: ['sql'],
    swift: ['swift'],
    lua: ['lua'],
    r: ['r'],
    perl: ['pl', 'pm'],
    haskell: ['hs'],
    elixir: ['ex', 'exs'],
    erlang: ['erl'],
    clojure: ['clj', 'cljs'],
    css: ['css'],
    scss: ['scss'],
    xml: ['xml', 'svg'],
    dart: ['dart'],
    objectivec: ['m', 'mm'],
    ocaml: ['ml', 'mli'],
    fsharp: ['fs', 'fsx'],
    julia: ['jl'],
    zig: ['zig'],
    diff: ['diff', 'patch'],
    dockerfile: ['dockerfile'],
    makefile: ['mk'],
  }),
};

/** Whole file names that name a language without an extension. */
const FILE_NAMES: Readonly<Record<string, string>> = {
  dockerfile: 'dockerfile',
  makefile: 'makefile',
  gnumakefile: 'makefile',
  cmakelists_txt: 'cmake',
};

function codeExtensions(byLanguage: Record<string, string[]>): Record<string, { kind: 'code'; language: string }> {
  const out: Record<string, { kind: 'code'; language: string }> = {};
  for (const [language, exts] of Object.entries(byLanguage))
    for (const ext of exts) out[ext] = { kind: 'code', language };
  return out;
}

/** A language name as the highlighter knows it (lower case, aliases such as `c++src` resolved). */
export function normalizeLanguage(language: string): string {
  const lower = language.trim().toLowerCase();
  return LANGUAGE_ALIASES[lower] ?? lower;
}

/** The kind a `Content-Type` names, or undefined when it is generic or unknown. */
export function kindFromContentType(contentType: string): { kind: DocumentKind; language?: string } | undefined {
  const mediaType = contentType.split(';', 1)[0].trim().toLowerCase();
  if (GENERIC_CONTENT_TYPES.has(mediaType)) return undefined;
  const known = CONTENT_TYPES[mediaType];
  if (known) return known;
  const xLanguage = /^(?:text|application)\/x-(.+)$/.exec(mediaType);
  if (xLanguage && LANGUAGE_NAME.test(xLanguage[1])) return { kind: 'code', language: normalizeLanguage(xLanguage[1]) };
  return undefined;
}

/** The kind a file name's extension (or whole name, as `Makefile`) names, or undefined. */
export function kindFromFileName(fileName: string): { kind: DocumentKind; language?: string } | undefined {
  const base = fileName.split(/[\\/]/).pop()?.toLowerCase() ?? '';
  const whole = FILE_NAMES[base.replace('.', '_')];
  if (whole) return { kind: 'code', language: whole };
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return EXTENSIONS[base.slice(dot + 1)];
}

/**
 * Decides an upload's kind: `kind` hint, then `language` (implies code), then a specific
 * content type, then the file name, else `text`. Throws {@link DocumentKindError} for an unknown
 * `kind` or a malformed `language` rather than guessing.
 */
export function resolveDocumentKind(hints: KindHints): ResolvedKind {
  const language = hints.language ? checkedLanguage(hints.language) : undefined;
  const byType = hints.contentType ? kindFromContentType(hints.contentType) : undefined;
  const byName = hints.fileName ? kindFromFileName(hints.fileName) : undefined;
  if (hints.kind) {
    const kind = hints.kind.trim().toLowerCase();
    if (!isDocumentKind(kind)) {
      throw new DocumentKindError(`kind: must be one of ${DOCUMENT_KINDS.join(', ')}`, 'kind');
    }
    if (kind !== 'code') return { kind, from: 'query' };
    const guessed =
      language ??
      (byType?.kind === 'code' ? byType.language : undefined) ??
      (byName?.kind === 'code' ? byName.language : undefined);
    return guessed ? { kind, language: guessed, from: 'query' } : { kind, from: 'query' };
  }
  if (language) return { kind: 'code', language, from: 'query' };
  if (byType) return { ...byType, from: 'content-type' };
  if (byName) return { ...byName, from: 'file-name' };
  return { kind: 'text', from: 'default' };
}

function checkedLanguage(value: string): string {
  const language = normalizeLanguage(value);
  if (!LANGUAGE_NAME.test(language)) {
    throw new DocumentKindError('language: must be a language name such as python or typescript', 'language');
  }
  return language;
}
