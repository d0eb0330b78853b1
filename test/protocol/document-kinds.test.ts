import { describe, expect, it } from 'vitest';
import {
  DOCUMENT_KINDS,
  DocumentKindError,
  kindFromContentType,
  kindFromFileName,
  resolveDocumentKind,
} from '../../protocol/document-kinds.ts';

describe('kindFromContentType', () => {
  it.each([
    ['text/markdown', { kind: 'markdown' }],
    ['text/markdown; charset=utf-8', { kind: 'markdown' }],
    ['application/pdf', { kind: 'pdf' }],
    ['TEXT/HTML; charset=ISO-8859-1', { kind: 'html' }],
    ['text/x-log', { kind: 'log' }],
    ['text/x-python', { kind: 'code', language: 'python' }],
    ['text/x-rust', { kind: 'code', language: 'rust' }],
    ['text/x-c++src', { kind: 'code', language: 'cpp' }],
    ['text/x-java-source', { kind: 'code', language: 'java' }],
    ['application/javascript', { kind: 'code', language: 'javascript' }],
  ])('%s → %o', (type, expected) => {
    expect(kindFromContentType(type)).toEqual(expected);
  });

  it('says nothing for generic or unknown types', () => {
    expect(kindFromContentType('text/plain')).toBeUndefined();
    expect(kindFromContentType('application/octet-stream')).toBeUndefined();
    expect(kindFromContentType('image/png')).toBeUndefined();
    expect(kindFromContentType('text/x-<script>')).toBeUndefined();
  });
});

describe('kindFromFileName', () => {
  it.each([
    ['README.md', { kind: 'markdown' }],
    ['paper.PDF', { kind: 'pdf' }],
    ['/var/log/app.log', { kind: 'log' }],
    ['page.htm', { kind: 'html' }],
    ['src/main.py', { kind: 'code', language: 'python' }],
    ['C:\\work\\index.tsx', { kind: 'code', language: 'typescript' }],
    ['Makefile', { kind: 'code', language: 'makefile' }],
    ['Dockerfile', { kind: 'code', language: 'dockerfile' }],
    ['notes.txt', { kind: 'text' }],
  ])('%s → %o', (name, expected) => {
    expect(kindFromFileName(name)).toEqual(expected);
  });

  it('says nothing for names without a known extension', () => {
    expect(kindFromFileName('LICENSE')).toBeUndefined();
    expect(kindFromFileName('.bashrc')).toBeUndefined();
    expect(kindFromFileName('archive.tar.gz')).toBeUndefined();
  });
});

describe('resolveDocumentKind', () => {
  it('lets ?kind= win over the content type and file name', () => {
    expect(resolveDocumentKind({ kind: 'log', contentType: 'text/markdown', fileName: 'a.md' })).toEqual({
      kind: 'log',
      from: 'query',
    });
  });

  it('takes the language for kind=code from ?language=, then the type, then the name', () => {
    expect(resolveDocumentKind({ kind: 'code', language: 'Py' })).toEqual({
      kind: 'code',
      language: 'python',
      from: 'query',
    });
    expect(resolveDocumentKind({ kind: 'code', contentType: 'text/x-go' })).toEqual({
      kind: 'code',
      language: 'go',
      from: 'query',
    });
    expect(resolveDocumentKind({ kind: 'code', fileName: 'x.rs' })).toEqual({
      kind: 'code',
      language: 'rust',
      from: 'query',
    });
    expect(resolveDocumentKind({ kind: 'code' })).toEqual({ kind: 'code', from: 'query' });
  });

  it('reads ?language= alone as code', () => {
    expect(resolveDocumentKind({ language: 'typescript', contentType: 'text/plain' })).toEqual({
      kind: 'code',
      language: 'typescript',
      from: 'query',
    });
  });

  it('prefers a specific content type to the file name, and the file name to a generic type', () => {
    expect(resolveDocumentKind({ contentType: 'application/pdf', fileName: 'x.txt' })).toEqual({
      kind: 'pdf',
      from: 'content-type',
    });
    expect(resolveDocumentKind({ contentType: 'text/plain; charset=utf-8', fileName: 'notes.md' })).toEqual({
      kind: 'markdown',
      from: 'file-name',
    });
    expect(resolveDocumentKind({ contentType: 'application/octet-stream', fileName: 'a.py' })).toEqual({
      kind: 'code',
      language: 'python',
      from: 'file-name',
    });
  });

  it('defaults to text', () => {
    expect(resolveDocumentKind({})).toEqual({ kind: 'text', from: 'default' });
    expect(resolveDocumentKind({ contentType: 'text/plain' })).toEqual({ kind: 'text', from: 'default' });
  });

  it('refuses an unknown kind and a malformed language, naming the field', () => {
    const kind = (() => {
      try {
        resolveDocumentKind({ kind: 'docx' });
      } catch (e) {
        return e;
      }
    })();
    expect(kind).toBeInstanceOf(DocumentKindError);
    expect((kind as DocumentKindError).key).toBe('kind');
    expect((kind as DocumentKindError).message).toContain(DOCUMENT_KINDS.join(', '));
    expect(() => resolveDocumentKind({ language: 'py thon' })).toThrow(expect.objectContaining({ key: 'language' }));
    expect(() => resolveDocumentKind({ language: 'x'.repeat(40) })).toThrow(DocumentKindError);
  });
});
