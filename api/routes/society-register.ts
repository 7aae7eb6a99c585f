// A society's register as the network keeps it: active or not, the last AGM and audit, when the next
// election is due, and its presidents and secretaries (current and earlier). The forms that change it
// post to network.ts; this is what they start from, with whether the reader may change it directly.
import { createRoute, z } from '@hono/zod-openapi';
import { requireActor } from '../access/require-actor';
import { assertCanRead } from '../access/scope';
import { roleMay } from '../access/permissions';
import type { App, AppDeps } from '../app-env';
import { ApiError, errorResponses } from '../errors';
import { Id } from '../schemas';

const Register = z
  .object({
    society: z.object({
      id: z.string(), nameBn: z.string(), nameEn: z.string(), officeId: z.string(), officeNameBn: z.string(), officeNameEn: z.string(),
      active: z.boolean(), lastAgmOn: z.string().nullable(), lastAuditOn: z.string().nullable(), electionDueOn: z.string().nullable(),
    }),
    leaders: z.array(z.object({
      id: z.string(), position: z.enum(['president', 'secretary']), name: z.string(), mobile: z.string(), electedOn: z.string(), endedOn: z.string().nullable(),
      preferredChannel: z.enum(['whatsapp', 'sms', 'app']), whatsappConsent: z.boolean(),
    })).describe('current leaders first (no end date), then earlier ones, newest first'),
    canChange: z.boolean().describe('the reader may record leaders and register dates directly (a role that may, in the society’s own office)'),
  })
  .openapi('SocietyRegister');

export type SocietyRegisterBody = z.infer<typeof Register>;

const route = createRoute({
  method: 'get', path: '/api/societies/{id}/register', summary: "A society's register: active, last AGM and audit, election due, and its leaders",
  request: { params: z.object({ id: Id }) },
  responses: { 200: { description: 'the register', content: { 'application/json': { schema: Register } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
});

export function registerSocietyRegister(app: App, { sql }: AppDeps): void {
  app.openapi(route, async (c) => {
    const actor = requireActor(c);
    const { id } = c.req.valid('param');
    const [society] = await sql<SocietyRegisterBody['society'][]>`
      SELECT s.id, s.name_bn AS "nameBn", s.name_en AS "nameEn", s.office_id AS "officeId", o.name_bn AS "officeNameBn", o.name_en AS "officeNameEn",
        s.active, s.last_agm_on::text AS "lastAgmOn", s.last_audit_on::text AS "lastAuditOn", s.election_due_on::text AS "electionDueOn"
      FROM societies s JOIN offices o ON o.id = s.office_id WHERE s.id = ${id}`;
    if (!society) throw new ApiError('NOT_FOUND', 'no society here');
    await assertCanRead(sql, actor, { officeId: society.officeId, societyId: society.id }, 'society');
    const leaders = await sql<SocietyRegisterBody['leaders']>`
      SELECT id::text, position, name, mobile, elected_on::text AS "electedOn", ended_on::text AS "endedOn",
        preferred_channel AS "preferredChannel", whatsapp_consent_at IS NOT NULL AS "whatsappConsent"
      FROM society_leaders WHERE society_id = ${id}
      ORDER BY ended_on IS NOT NULL, ended_on DESC, CASE position WHEN 'president' THEN 0 ELSE 1 END, elected_on DESC, created_at DESC`;
    const canChange = roleMay(actor.role, 'society.register') && actor.officeId === society.officeId;
    return c.json({ society, leaders, canChange }, 200);
  });
}
