import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export interface NoticeItem {
  id: string; officeId: string; officeNameBn: string; category: string; title: string; eventOn: string | null; deadlineOn: string | null;
  postedAt: string; postedByName: string; status: 'delivering' | 'done'; groupIds: string[]; readByMe: boolean | null;
  summary: { recipients: number; reached: number; read: number; costPoisha: number } | null;
}

export const load: PageServerLoad = async (event) => ({ items: (await apiGet<{ items: NoticeItem[] }>(event, '/api/notices')).items });
