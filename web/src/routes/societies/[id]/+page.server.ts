// A society: its totals, its members and each member's loans. Members and loans are read page by
// page from the API's lists (a society has tens to a few hundred members).
import type { RequestEvent } from '@sveltejs/kit';
import type { SocietySummaryBody } from '$api/routes/society-summary';
import { apiGet, query } from '$lib/server/api';
import { myOffices, type OfficeOption } from '$lib/server/offices';
import type { PageServerLoad } from './$types';

export interface Member {
  id: string;
  name: string;
  fatherOrHusbandName: string;
  mobile: string | null;
  barrackNo: string | null;
  roomNo: string | null;
  blacklisted: boolean;
}
export interface MemberLoan {
  id: string;
  code: string;
  borrowerId: string;
  principalPoisha: number;
  totalOwedPoisha: number | null;
  paidPoisha: number;
  status: string;
  disbursedAt: string;
}

const MAX_PAGES = 20;

async function all<T>(event: RequestEvent, path: string, params: Record<string, string>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await apiGet<{ items: T[]; nextCursor: string | null }>(event, `${path}${query({ ...params, limit: 500, cursor })}`);
    items.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return items;
}

export const load: PageServerLoad = async (event) => {
  const id = event.params.id;
  const summary = await apiGet<SocietySummaryBody>(event, `/api/societies/${encodeURIComponent(id)}`);
  const [members, loans, offices] = await Promise.all([
    all<Member>(event, '/api/borrowers', { societyId: id }),
    all<MemberLoan>(event, '/api/loans', { societyId: id, sort: 'code' }),
    myOffices(event),
  ]);
  const byId = new Map(offices.map((o) => [o.id, o]));
  const trail: OfficeOption[] = [];
  for (let o = byId.get(summary.society.officeId); o; o = o.parentId ? byId.get(o.parentId) : undefined) trail.unshift(o);
  const loansOf: Record<string, MemberLoan[]> = {};
  for (const l of loans) (loansOf[l.borrowerId] ??= []).push(l);
  return { summary, members, loansOf, trail, canBrowseOffices: event.locals.user?.role !== 'society_rep' };
};
