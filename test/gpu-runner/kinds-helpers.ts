/** Shared helpers of the input-kind tests. */
import { readFileSync } from 'node:fs';
import { blockText, type Block } from '../../gpu-runner/kinds/model.ts';

/** A fixture of test/fixtures/kinds as text. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/kinds/${name}`, import.meta.url), 'utf8');
}

/** Text with every run of whitespace made one space, trimmed: "equal modulo whitespace". */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The blocks' texts, for readable assertions. */
export function texts(blocks: Block[]): string[] {
  return blocks.map(blockText);
}
