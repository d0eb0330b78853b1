/** `POST /v1/context` end to end for gpt-4o: the budget cases of worker-context-cases.ts. */
import { contextBudgetCases } from './worker-context-cases.ts';

contextBudgetCases('gpt-4o');
