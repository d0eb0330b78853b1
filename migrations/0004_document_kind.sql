-- The input kind a document was uploaded as (text, markdown, code, pdf, html, log) and, for code,
-- its highlighter language. Renders, queries and decodes send them to the runner, which draws the
-- document by its kind. NULL kind: plain text (every document stored before this migration).
ALTER TABLE documents ADD COLUMN kind TEXT;
ALTER TABLE documents ADD COLUMN language TEXT;
