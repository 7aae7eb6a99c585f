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
import { createReportFigureActivities } from './report-figures';
import { createRuleActivities } from './rules';
import { createNoticeActivities } from './notices';
import { createQuarterlyActivities } from './quarterly-lists';
import type { NoticeWhatsApp } from '../network/notice-channel';

export interface ActivityDeps {
  sql: Sql;
  policy: PolicyStore;
  /** For activities that tell another workflow something (a correction amending a loan). */
  temporal?: Client;
  /** WhatsApp for notices (none: notices go by app and SMS only). */
  whatsapp?: NoticeWhatsApp;
  /** Where links in messages point (the web app's address). */
  publicUrl?: string;
  /** The task queue workflows started by activities run on (notices posted by the quarterly lists). */
  taskQueue?: string;
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
    ...createReportFigureActivities(deps),
    ...createLoanMessageActivities(deps),
    ...createNoticeActivities(deps, { whatsapp: deps.whatsapp, publicUrl: deps.publicUrl }),
    ...createQuarterlyActivities(deps, { taskQueue: deps.taskQueue }),
  };
}
