import { apiGet } from '$lib/server/api';
import type { PageServerLoad } from './$types';

export interface ImportJob {
  id: string;
  status: 'queued' | 'validating' | 'applying' | 'starting' | 'done' | 'invalid' | 'failed' | string;
  rowsTotal: number;
  rowsValidated: number;
  rowsApplied: number;
  workflowsStarted: number;
  percent: number;
  message: string | null;
  errorCount: number;
  filename: string;
  createdAt: string;
  finishedAt: string | null;
  errors: { row: number; column: string; value: string; reason: string }[];
}

export const load: PageServerLoad = async (event) => {
  const { import: job } = await apiGet<{ import: ImportJob }>(event, `/api/imports/${event.params.id}`);
  return { job };
};
