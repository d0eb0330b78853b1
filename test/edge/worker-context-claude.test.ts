/** `POST /v1/context` end to end for claude: the budget cases of worker-context-cases.ts. */
import { contextBudgetCases } from './worker-context-cases.ts';

contextBudgetCases('claude');
