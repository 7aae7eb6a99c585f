// The blank template, fetched with the user's session and handed to the browser as a download.
import { error } from '@sveltejs/kit';
import { api } from '$lib/server/api';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
  const format = event.params.format;
  if (format !== 'csv' && format !== 'xlsx') error(404, { message: 'no such template' });
  const res = await api(event, `/api/imports/template.${format}`);
  if (!res.ok) error(res.status, { message: 'the template could not be fetched' });
  return new Response(res.body, { headers: { 'content-type': res.headers.get('content-type') ?? 'application/octet-stream', 'content-disposition': res.headers.get('content-disposition') ?? 'attachment' } });
};
