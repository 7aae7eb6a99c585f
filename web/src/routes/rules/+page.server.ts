import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export interface RuleFile {
  kind: string;
  label: string;
  version: string;
  description: string | null;
  content: unknown;
  refused: { path: string; reason: string; at: string } | null;
}

export const load: PageServerLoad = async (event) =>
  apiGet<{ ruleSetVersion: string; files: RuleFile[] }>(event, '/api/rules');
