/**
 * Visual-token profiles (DESIGN.md, "Visual-token profiles"): how many visual tokens one page image
 * costs a named vision-language model, computed from that vendor's public image preprocessing rule,
 * and which page sizes that model reads at their own size with no patch or tile wasted.
 *
 * Pure arithmetic on the page's pixel size: no image is decoded, and no Node or Worker API is used.
 * So the edge (which prices renders) and the runner (which makes them) share this module.
 *
 * The open-weight models (GLM-4.1V, Qwen2.5-VL, Qwen3-VL) are ports of their transformers
 * `smart_resize` code, so their counts are exact. The hosted APIs (GPT-4o, Claude, Gemini) follow the
 * vendors' published pricing rules, which fix a few details (rounding) less precisely. Each rule
 * lives in its own module under profiles/, and its comment says which.
 */
export {
  PROFILE_NAMES,
  isProfileName,
  type CostGrid,
  type ImageSize,
  type NoResizeLimits,
  type ProfileGeometry,
  type ProfileName,
  type VisualTokenProfile,
} from './profiles/types.ts';
export { getProfile, visualTokensFor } from './profiles/registry.ts';
export { type SmartResizeRule } from './profiles/smart-resize.ts';
export { GLM_41V_RULE } from './profiles/glm-4.1v.ts';
export { QWEN25_VL_RULE } from './profiles/qwen2.5-vl.ts';
export { QWEN3_VL_RULE } from './profiles/qwen3-vl.ts';
export {
  fitPage,
  fittedPageSizes,
  isFittedPage,
  modelView,
  pixelsPerToken,
  recommendedPageSize,
  type FitRequest,
  type ModelView,
  type PageBounds,
  type ProfileRef,
} from './profiles/fit.ts';
