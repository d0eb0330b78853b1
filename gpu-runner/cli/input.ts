/** What the CLI reads: the input file (or stdin), its kind, a config file. Failures are {@link BadInput}. */
import { readFile } from 'node:fs/promises';
import { DocumentKindError, resolveDocumentKind, type ResolvedKind } from '../../protocol/document-kinds.ts';
import type { StyledDocument } from '../kinds/model.ts';
import { BadInput } from './usage.ts';

/** The kind of the CLI's input: --kind, --language, else the file's extension; bad values are bad input. */
export function cliKind(kind: string | undefined, language: string | undefined, file: string): ResolvedKind {
  try {
    return resolveDocumentKind({ kind, language, fileName: file === '-' ? null : file });
  } catch (err) {
    if (err instanceof DocumentKindError) throw new BadInput(`--${err.message}`);
    throw err;
  }
}

/** The input as a StyledDocument of its kind; a refused PDF (no text layer, encrypted, corrupt) is bad input. */
export async function styledDocumentOf(input: Uint8Array, kind: ResolvedKind, file: string): Promise<StyledDocument> {
  const { KindError, toStyledDocument } = await import('../kinds/index.ts');
  try {
    const bytes = kind.kind === 'pdf' ? input : decodeUtf8(input, file);
    return await toStyledDocument(bytes, {
      kind: kind.kind,
      ...(kind.language ? { language: kind.language } : {}),
      ...(file !== '-' ? { fileName: file } : {}),
    });
  } catch (err) {
    if (err instanceof KindError) throw new BadInput(`${file}: ${err.message} (${err.code})`);
    throw err;
  }
}

/** The bytes of `file`, or of stdin for `-`. */
export async function readInput(file: string): Promise<Uint8Array> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BadInput(
      code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${code ?? (err as Error).message}`,
    );
  }
}

/** `bytes` as UTF-8 text; anything else is bad input. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BadInput(`${file === '-' ? 'stdin' : file} is not valid UTF-8 text`);
  }
}

/** The parsed JSON of a `--config` file. */
export async function readConfigFile(path: string): Promise<unknown> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch {
    throw new BadInput(`no such config file: ${path}`);
  }
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new BadInput(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
}
