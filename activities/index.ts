// Activities come from a factory that takes their dependencies: the worker wires the real ones,
// tests pass their own. Workflows import only the type of what this returns.
import type { Client } from '@temporalio/client';
import type { Sql } from '../db/client';
import type { PolicyStore } from '../policy/policy-store';
import { createCorrectionActivities, createCorrectionPreparation } from './corrections';
import { createDisbursementActivities } from './disbursement';
import { createLoanEventActivities } from './loan-events';
import { createLoanMessageActivities } from './loan-messages';
import { createPaymentDeliveryActivities } from './payment-delivery';
import { createReminderActivities } from './reminders';
import { createRuleActivities } from './rules';

export interface ActivityDeps {
  sql: Sql;
  policy: PolicyStore;
  /** For activities that tell another workflow something (a correction amending a loan). */
  temporal?: Client;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createDisbursementActivities(deps),
    ...createLoanEventActivities(deps),
    ...createReminderActivities(deps),
    ...createRuleActivities(deps),
    ...createCorrectionActivities(deps),
    ...createCorrectionPreparation(deps),
    ...createPaymentDeliveryActivities(deps),
    ...createLoanMessageActivities(deps),
  };
}
