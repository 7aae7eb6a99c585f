import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

interface Group { id: string; kind: string; officeId: string; nameBn: string; nameEn: string; members: number; societies: number }

export const load: PageServerLoad = async (event) => ({ groups: (await apiGet<{ items: Group[] }>(event, '/api/groups')).items });
