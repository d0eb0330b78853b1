/** `POST /v1/context` end to end for gemini: the budget cases of worker-context-cases.ts. */
import { contextBudgetCases } from './worker-context-cases.ts';

contextBudgetCases('gemini');
