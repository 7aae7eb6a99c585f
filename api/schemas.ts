// Request and response schemas shared by several routes; each route file keeps its own others.
import { z } from '@hono/zod-openapi';
import { ROLES } from './access/actor';

export const Mobile = z.string().regex(/^01[3-9]\d{8}$/, 'must be a Bangladeshi mobile number like 017XXXXXXXX');
export const Poisha = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** Office, society and similar ids: letters, digits and . _ : - (e.g. JHENAIDAH-SADAR, SOC-1). */
export const Id = z.string().min(1).max(80).regex(/^[A-Za-z0-9._:-]+$/, 'must be an id of letters, digits and . _ : -');

export const UserView = z
  .object({
    id: z.string(),
    username: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    officeId: z.string(),
    societyId: z.string().nullable(),
    language: z.enum(['bn', 'en']),
    mustChangePassword: z.boolean(),
  })
  .openapi('User');

export const Page = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const PageQuery = z.object({
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
