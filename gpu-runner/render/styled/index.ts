/** The styled renderer: a {@link StyledDocument} (any input kind) → a plan the page painter paints. */
export {
  layoutStyledDocument,
  WRAP_MARK,
  type LineSource,
  type StyledLayout,
  type StyledLine,
  type StyledPageLayout,
} from './layout.ts';
export { planStyledDocument, type StyledPlan } from './place.ts';
export { faceOf, MUTED_COLOR, type StyleSpec } from './styles.ts';
