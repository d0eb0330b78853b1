/** `POST /v1/context` end to end for qwen3-vl: the budget cases of worker-context-cases.ts. */
import { contextBudgetCases } from './worker-context-cases.ts';

contextBudgetCases('qwen3-vl');
