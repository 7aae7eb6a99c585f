// The job's progress as JSON, for the page's live bar (polled once a second while the job runs).
import { json } from '@sveltejs/kit';
import { apiGet } from '$lib/server/api';
import type { ImportJob } from '../+page.server';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => json((await apiGet<{ import: ImportJob }>(event, `/api/imports/${event.params.id}`)).import);
