import { apiGet, query } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export interface OutboxMessage {
  id: string;
  channel: string;
  template: string;
  recipient: string | null;
  body: string;
  status: string;
  attempts: number;
  segments: number | null;
  costPoisha: number | null;
  provider: string | null;
  lastError: string | null;
  createdAt: string;
  notBefore: string;
  sentAt: string | null;
  loanId: string;
  loanCode: string;
  borrowerName: string | null;
}

interface Answer {
  items: OutboxMessage[];
  nextCursor: string | null;
  summary: { messages: number; segments: number; costPoisha: number; byStatus: Record<string, number> };
}

const FILTERS = ['status', 'template', 'from', 'to', 'loanId', 'officeId'] as const;

export const load: PageServerLoad = async (event) => {
  const filters = Object.fromEntries(FILTERS.map((k) => [k, event.url.searchParams.get(k) ?? ''])) as Record<(typeof FILTERS)[number], string>;
  const cursor = event.url.searchParams.get('cursor') ?? undefined;
  const answer = await apiGet<Answer>(event, `/api/messages${query({ ...filters, cursor, limit: 50 })}`);
  return { filters, ...answer, nextHref: answer.nextCursor ? `?${new URLSearchParams({ ...filters, cursor: answer.nextCursor })}` : null };
};
