-- Source lines of each document ("\n", "\r\n" and "\r" end one), known at upload. The page estimate
-- that decides "render now" or "202 + job" needs them: every line takes at least one row however
-- short it is, so 200 000 newlines are ~2 500 pages in 400 KB. NULL for documents stored before
-- this migration: their estimate falls back to characters alone.
ALTER TABLE documents ADD COLUMN lines INTEGER;
