import { apiGet } from '$lib/server/api';
import type { Correction } from '$lib/corrections';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const [inbox, mine] = await Promise.all([
    apiGet<{ items: Correction[] }>(event, '/api/corrections/inbox'),
    apiGet<{ items: Correction[] }>(event, '/api/corrections/mine'),
  ]);
  return { inbox: inbox.items, mine: mine.items };
};
