// A society's register in the network: its leaders and the dates that make it active, with the
// forms that record a new president/secretary and update the register (the API decides who may).
import { fail, type ActionFailure } from '@sveltejs/kit';
import type { SocietyRegisterBody } from '$api/routes/society-register';
import { apiGet, apiSend, type ApiErrorBody } from '$lib/server/api';
import { num } from '$lib/format';
import { m } from '$lib/paraglide/messages';
import type { Actions, PageServerLoad } from './$types';

interface Status { societyId: string; active: boolean; reasons: { rule: string; reason: string }[]; noticesSent: number; noticesRead: number }

export const load: PageServerLoad = async (event) => {
  const id = encodeURIComponent(event.params.id);
  const register = await apiGet<SocietyRegisterBody>(event, `/api/societies/${id}/register`);
  const glance = await apiGet<{ items: Status[] }>(event, `/api/network/societies?officeId=${encodeURIComponent(register.society.officeId)}`).catch(() => null);
  return { ...register, status: glance?.items.find((s) => s.societyId === register.society.id) ?? null };
};

type Values = Record<string, string>;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The API's refusal in the reader's words: who may change a register, and where. */
function refusal(form: string, values: Values, status: number, error: ApiErrorBody): ActionFailure<{ form: string; values: Values; error: { field: string | null; message: string } }> {
  const message =
    status === 403 && /belongs to office/.test(error.message) ? m.net_err_register_other_office()
    : status === 403 ? m.net_err_register_role()
    : status === 404 ? m.net_err_register_not_found()
    : error.field === 'mobile' ? m.net_err_mobile()
    : error.message;
  return fail(status, { form, values, error: { field: error.field ?? null, message } });
}

export const actions: Actions = {
  leader: async (event) => {
    const f = await event.request.formData();
    const values: Values = {
      position: String(f.get('position') ?? ''), name: String(f.get('name') ?? '').trim(), mobile: String(f.get('mobile') ?? '').replace(/[\s-]/g, ''),
      electedOn: String(f.get('electedOn') ?? ''), preferredChannel: String(f.get('preferredChannel') ?? 'sms'), whatsappConsent: f.get('whatsappConsent') ? 'on' : '',
    };
    const bad = (field: string, message: string) => fail(400, { form: 'leader', values, error: { field, message } });
    if (values.position !== 'president' && values.position !== 'secretary') return bad('position', m.net_err_position());
    if (!values.name) return bad('name', m.net_err_name());
    if (!/^01[3-9]\d{8}$/.test(values.mobile)) return bad('mobile', m.net_err_mobile());
    if (!DATE.test(values.electedOn)) return bad('electedOn', m.net_err_elected_on());
    if (values.preferredChannel === 'whatsapp' && !values.whatsappConsent) return bad('whatsappConsent', m.net_err_consent());
    const res = await apiSend(event, `/api/societies/${encodeURIComponent(event.params.id)}/leaders`, {
      position: values.position, name: values.name, mobile: values.mobile, electedOn: values.electedOn, preferredChannel: values.preferredChannel, whatsappConsent: !!values.whatsappConsent,
    });
    if (!res.ok) return refusal('leader', values, res.failure.status, res.failure.data.error);
    return { form: 'leader', done: m.net_leader_recorded({ name: values.name }) };
  },
  register: async (event) => {
    const f = await event.request.formData();
    const values: Values = { active: String(f.get('active') ?? ''), lastAgmOn: String(f.get('lastAgmOn') ?? ''), lastAuditOn: String(f.get('lastAuditOn') ?? ''), electionDueOn: String(f.get('electionDueOn') ?? '') };
    for (const key of ['lastAgmOn', 'lastAuditOn', 'electionDueOn'] as const) {
      if (values[key] && !DATE.test(values[key])) return fail(400, { form: 'register', values, error: { field: key, message: m.net_err_date() } });
    }
    const res = await apiSend<{ joined: number; left: number }>(event, `/api/societies/${encodeURIComponent(event.params.id)}/register`, {
      active: values.active === 'true', lastAgmOn: values.lastAgmOn || null, lastAuditOn: values.lastAuditOn || null, electionDueOn: values.electionDueOn || null,
    });
    if (!res.ok) return refusal('register', values, res.failure.status, res.failure.data.error);
    return { form: 'register', done: m.net_register_saved({ joined: num(res.data.joined), left: num(res.data.left) }) };
  },
};
