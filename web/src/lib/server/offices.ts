// The offices the user may look at (their own and below), for office pickers.
import type { RequestEvent } from '@sveltejs/kit';
import { apiGet } from './api';

export interface OfficeOption {
  id: string;
  parentId: string | null;
  level: 'hq' | 'division' | 'district' | 'upazila';
  nameBn: string;
  nameEn: string;
}

export async function myOffices(event: Pick<RequestEvent, 'request' | 'platform'>): Promise<OfficeOption[]> {
  return (await apiGet<{ items: OfficeOption[] }>(event, '/api/offices')).items;
}
