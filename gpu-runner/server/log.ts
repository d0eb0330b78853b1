/**
 * One-line logs: `glyph-runner <level> <message> <fields as JSON>`; info to stdout, warnings and
 * errors to stderr. Callers pass hashes, counts and error messages — never document text or keys.
 */

/** Where the runner logs; never given document text or secrets. */
export interface RunnerLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A log that drops everything (the app's default). */
export const silentLog: RunnerLog = { info() {}, warn() {}, error() {} };

/** An error's message for logs (never the document: our errors do not carry it). */
export function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Options of {@link lineLog}. */
export interface LineLogOptions {
  /** Where info lines go; default stdout. */
  out?: (line: string) => void;
  /** Where warnings and errors go; default stderr. */
  err?: (line: string) => void;
}

/** A {@link RunnerLog} writing one line per entry. */
export function lineLog(options: LineLogOptions = {}): RunnerLog {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = options.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const format = (level: string, message: string, fields?: Record<string, unknown>): string =>
    `glyph-runner ${level} ${message}${fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ''}`;
  return {
    info: (message, fields) => out(format('info', message, fields)),
    warn: (message, fields) => err(format('warn', message, fields)),
    error: (message, fields) => err(format('error', message, fields)),
  };
}
