/** The CLI's help text, its bad-input error and exit code. */
import { DEFAULT_PRESET, PRESET_CHOICES, REFLOW_MODES } from '../../protocol/render-config.ts';
import { PROFILE_NAMES } from '../../protocol/profiles.ts';
import { DOCUMENT_KINDS } from '../../protocol/document-kinds.ts';

/** Exit code for bad input (file, preset, profile, config, encoding), as documented in the help. */
export const EXIT_BAD_INPUT = 2;

/** `glyph --help`. */
export const USAGE = `usage: glyph render <file|-> [--preset ${PRESET_CHOICES.join('|')}] [--config file.json]
                    [--profile ${PROFILE_NAMES.join('|')}] [--reflow ${REFLOW_MODES.join('|')}]
                    [--kind ${DOCUMENT_KINDS.join('|')}] [--language L]
                    [--readback-floor X] [--out DIR] [--json]

Renders a UTF-8 text file (or stdin with "-") into Glyph page images DIR/page_0001.png, …
and prints pages, visual tokens, text tokens (the profile's own tokenizer) and the ratio.
  --preset   starting config (default ${DEFAULT_PRESET}); auto: pages fitted to --profile, the
             densest font whose OCR read-back at the model's resolution meets the floor
             (the chosen config is printed, and carried by --json)
  --config   JSON file of Glyph render keys that override the preset (with auto: the search's choices)
  --profile  VLM whose visual-token rule prices the pages (default glm-4.1v)
  --reflow   join hard-wrapped prose before layout: auto (when detected; default), on, off
  --readback-floor  auto's read-back floor, 0.5-1 (default 0.99 Latin, 0.97 CJK)
  --out      output folder (default ./glyph-pages); old page_*.png files in it are removed
  --kind     input kind (default: from the file's extension, e.g. .md .py .pdf .html .log; else text):
             Markdown structure, code monospace in colour, PDF text layer, HTML main content, logs
  --language highlighter language of a code file (python, typescript, …; implies --kind code)
  --json     print exactly one JSON object on stdout instead of the summary
Exit codes: 0 done, 2 bad input, 1 anything else.`;

/** A user error: printed as one line on stderr, exit code 2. */
export class BadInput extends Error {}
