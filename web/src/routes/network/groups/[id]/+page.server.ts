import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

interface Member { id: string; kind: string; role: string; name: string; mobile: string | null; position: string | null; societyId: string | null; societyNameBn: string | null; preferredChannel: string; whatsappConsent: boolean; joinedAt: string }

export const load: PageServerLoad = async (event) =>
  apiGet<{ group: { id: string; kind: string; nameBn: string; nameEn: string; members: number; societies: number }; members: Member[] }>(event, `/api/groups/${encodeURIComponent(event.params.id)}`);
