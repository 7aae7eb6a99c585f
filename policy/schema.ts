// The shape of every policy file in rules/. Policymakers edit these files; anything that does not
// match is refused with the file, the path inside it and the reason.
import { z } from 'zod';
import { parseDuration } from '../domain/duration';
import { parseDhakaDate } from '../domain/dhaka-time';

const duration = z.string().refine(
  (text) => {
    try {
      parseDuration(text);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not a duration (use e.g. "7d", "8h", "30s", "1d12h")' },
);

const dhakaDate = z.string().refine(
  (text) => {
    try {
      parseDhakaDate(text);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not a calendar date (YYYY-MM-DD)' },
);

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

const poisha = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** json-rules-engine's own rule shape; the engine itself checks the conditions when the rule is added. */
const engineRule = <P extends z.ZodType>(eventType: z.ZodType<string>, params: P) =>
  z.object({
    name: z.string().min(1),
    priority: z.number().int().min(1).optional(),
    conditions: z.record(z.string(), z.unknown()),
    event: z.object({ type: eventType, params }),
  });

const header = {
  label: z.string().min(1).max(80),
  description: z.string().optional(),
};

const product = z
  .object({
    code: z.string().regex(/^[A-Z0-9-]{2,20}$/, 'must be 2–20 capital letters, digits or dashes'),
    nameBn: z.string().min(1),
    nameEn: z.string().min(1),
    minPrincipalPoisha: poisha,
    maxPrincipalPoisha: poisha,
    serviceChargeBps: z.number().int().min(0).max(10_000),
    installmentCount: z.number().int().min(1).max(600),
    frequency: z.object({
      every: z.number().int().min(1),
      unit: z.enum(['month', 'week', 'day', 'hour', 'minute', 'second']),
    }),
  })
  .refine((p) => p.minPrincipalPoisha <= p.maxPrincipalPoisha, {
    message: 'minPrincipalPoisha is larger than maxPrincipalPoisha',
    path: ['minPrincipalPoisha'],
  });

export const NOTICE_CATEGORIES = [
  'election', 'adhoc_committee', 'training', 'inspection', 'order', 'circular', 'notification', 'audit_notice', 'activity_photo', 'quarterly_list',
] as const;
export type NoticeCategory = (typeof NOTICE_CATEGORIES)[number];
const OFFICER_ROLES = ['hq_admin', 'divisional_officer', 'district_officer', 'upazila_officer', 'collector', 'auditor'] as const;

export const fileSchemas = {
  products: z.object({
    kind: z.literal('products'),
    ...header,
    products: z.array(product).min(1),
  }),
  holidays: z.object({
    kind: z.literal('holidays'),
    ...header,
    holidays: z.array(z.object({ date: dhakaDate, name: z.string().min(1) })),
  }),
  deadline: z.object({
    kind: z.literal('deadline'),
    ...header,
    rules: z
      .array(
        engineRule(
          z.literal('deadline'),
          z.object({
            dueDayOfMonth: z.number().int().min(1).max(31).nullable(),
            closesAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM'),
            weekendDays: z.array(z.enum(WEEKDAYS)),
            shift: z.enum(['next', 'previous', 'none']),
          }),
        ),
      )
      .min(1),
  }),
  reminders: z.object({
    kind: z.literal('reminders'),
    ...header,
    /** No SMS inside this window (Asia/Dhaka wall clock; may cross midnight; start = end means none). */
    quietHours: z
      .object({ start: z.string().regex(HHMM, 'must be HH:MM (Asia/Dhaka, 24-hour)'), end: z.string().regex(HHMM, 'must be HH:MM (Asia/Dhaka, 24-hour)') })
      .optional(),
    rules: z
      .array(
        engineRule(
          z.literal('reminders'),
          z.object({
            offsets: z.array(z.object({ name: z.string().regex(/^[a-z0-9-]+$/, 'must be lower-case letters, digits or dashes'), before: duration })),
          }),
        ),
      )
      .min(1),
  }),
  grace: z.object({
    kind: z.literal('grace'),
    ...header,
    rules: z.array(engineRule(z.literal('grace'), z.object({ grace: duration }))).min(1),
  }),
  'late-payment': z.object({
    kind: z.literal('late-payment'),
    ...header,
    rules: z.array(engineRule(z.literal('late-payment'), z.object({ mode: z.enum(['accept', 'accept_late', 'hold']) }))).min(1),
  }),
  corrections: z.object({
    kind: z.literal('corrections'),
    ...header,
    rules: z
      .array(
        engineRule(
          z.literal('chain'),
          z.object({
            steps: z.array(z.object({ role: z.enum(['upazila_officer', 'district_officer', 'divisional_officer', 'hq_admin']), level: z.enum(['upazila', 'district', 'division', 'hq']) })).min(1),
            stepTimeout: duration,
            remindBefore: duration,
            onTimeout: z.enum(['escalate', 'remind']),
          }),
        ),
      )
      .min(1),
  }),
  notices: z.object({
    kind: z.literal('notices'),
    ...header,
    /** Who may post which category (an office posts to its own groups only). */
    posting: z.array(z.object({ category: z.enum(NOTICE_CATEGORIES), roles: z.array(z.enum(OFFICER_ROLES)).min(1) })).min(1),
    delivery: z.object({
      /** A member not reached in the app or on WhatsApp within this time gets the notice by SMS. */
      smsFallbackAfter: duration,
      /** Before a notice's event date, members who have not read it are reminded. */
      reminderBefore: duration,
      /** A notice without an event date stops being followed this long after posting. */
      followFor: duration,
    }),
    /**
     * The "before" of the pilot's TCV evaluation, from the seeds: what reaching a society with a notice
     * cost on paper, and what collecting installments by visiting the projects cost a year.
     */
    evaluation: z.object({
      paperCostPerSocietyPoisha: poisha,
      paperTripsPerSociety: z.number().min(0).max(10),
      paperHoursToReach: z.number().min(0).max(24 * 30),
      collectionTripsPerSocietyPerYear: z.number().min(0).max(365),
      collectionCostPerSocietyPerYearPoisha: poisha,
    }),
    /** A society is inactive when any rule fires (facts: monthsSinceAgm, monthsSinceAudit, electionOverdueDays, leaders). */
    rules: z.array(engineRule(z.literal('inactive'), z.object({ reason: z.string().min(1) }))),
  }),
  default: z.object({
    kind: z.literal('default'),
    ...header,
    reviewEvery: duration,
    rules: z.array(engineRule(z.enum(['default', 'blacklist']), z.object({ reason: z.string().optional() }).optional())).min(1),
  }),
};

export const CORRECTABLE_FIELDS = {
  borrower: ['name', 'fatherOrHusbandName', 'mobile', 'nid', 'barrackNo', 'roomNo'],
  loan: ['principalPoisha', 'installmentCount'],
} as const;

export type PolicyKind = keyof typeof fileSchemas;
export const POLICY_KINDS = Object.keys(fileSchemas) as PolicyKind[];
export type PolicyFile<K extends PolicyKind> = z.infer<(typeof fileSchemas)[K]>;
export type ResolutionKind = 'deadline' | 'reminders' | 'grace' | 'late-payment';
export const RESOLUTION_KINDS: ResolutionKind[] = ['deadline', 'reminders', 'grace', 'late-payment'];
