/** Reflow of hard-wrapped text, with a map back to the customer's lines. */
export { reflow, REFLOW_MODES, type ReflowMode, type ReflowResult, type ParagraphDecision } from './reflow.ts';
export { LineMap, type SourceLines, type CopiedPiece } from './line-map.ts';
export type { StructureKind } from './structure.ts';
