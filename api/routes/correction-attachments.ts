// Attachments to a correction request: whoever may read the request may add evidence while it is
// still open (pending or returned) and download what is there. Files are PDF/JPEG/PNG by content.
import { createHash, randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { sniffAttachment } from '../../network/attachment-type';
import type { Actor } from '../access/actor';
import { requireActor } from '../access/require-actor';
import { assertCanReadCorrection } from '../access/scope';
import type { App, AppDeps } from '../app-env';
import { ApiError, errorResponses, renderError } from '../errors';

const MAX_BYTES = 5 * 1024 * 1024;
const TOO_LARGE = 'an attachment may be at most 5 MB';
const OPEN_STATUSES = ['pending', 'returned'];
export const CorrectionAttachment = z
  .object({ id: z.string(), filename: z.string(), contentType: z.string(), sizeBytes: z.number(), uploadedAt: z.string() })
  .openapi('CorrectionAttachment');
const Params = z.object({ id: z.string().uuid() });

const routes = {
  add: createRoute({
    method: 'post', path: '/api/corrections/{id}/attachments', summary: 'Attach evidence (PDF, JPEG or PNG, at most 5 MB) to an open correction request',
    // Room for the multipart envelope around a 5 MB file; the file itself is measured exactly below.
    middleware: [bodyLimit({ maxSize: MAX_BYTES + 64 * 1024, onError: (c) => renderError(new ApiError('PAYLOAD_TOO_LARGE', TOO_LARGE, 'file'), c) })] as const,
    request: { params: Params, body: { content: { 'multipart/form-data': { schema: z.object({ file: z.instanceof(File, { message: 'must be a file (form field "file")' }).openapi({ type: 'string', format: 'binary' }) }) } }, required: true } },
    responses: { 201: { description: 'attached', content: { 'application/json': { schema: z.object({ attachment: CorrectionAttachment }) } } }, ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND', 'CONFLICT', 'PAYLOAD_TOO_LARGE') },
  }),
  list: createRoute({
    method: 'get', path: '/api/corrections/{id}/attachments', summary: "A correction request's attachments",
    request: { params: Params },
    responses: { 200: { description: 'attachments', content: { 'application/json': { schema: z.object({ items: z.array(CorrectionAttachment) }) } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
  }),
  download: createRoute({
    method: 'get', path: '/api/corrections/{id}/attachments/{attachmentId}', summary: 'Download an attachment',
    request: { params: Params.extend({ attachmentId: z.string().uuid() }) },
    responses: { 200: { description: 'the file', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } }, ...errorResponses('UNAUTHORIZED', 'NOT_FOUND') },
  }),
};

/** A request's attachments without their bytes, oldest first (also shown in the request's own view). */
export function attachmentsOf(sql: AppDeps['sql'], requestId: string): Promise<z.infer<typeof CorrectionAttachment>[]> {
  return sql<z.infer<typeof CorrectionAttachment>[]>`
    SELECT id, filename, content_type AS "contentType", size_bytes AS "sizeBytes", to_json(uploaded_at)#>>'{}' AS "uploadedAt"
    FROM correction_attachments WHERE request_id = ${requestId} ORDER BY uploaded_at, id`;
}

/** The name as the sender's computer had it, without a folder path or control characters. */
function cleanFilename(name: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/\p{Cc}/gu, '').trim();
  return (base || 'attachment').slice(0, 200);
}

/** RFC 6266: an ASCII fallback, and the real (often Bengali) name percent-encoded per RFC 5987. */
function contentDisposition(filename: string): string {
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encoded}`;
}

export function registerCorrectionAttachments(app: App, { sql }: AppDeps): void {
  /** The same reading rule as GET /api/corrections/{id} (scope.ts decides). */
  async function readable(id: string, actor: Actor): Promise<{ status: string }> {
    const [r] = await sql<{ officeId: string; requestedBy: string; status: string }[]>`
      SELECT office_id AS "officeId", requested_by AS "requestedBy", status FROM correction_requests WHERE id = ${id}`;
    if (!r) throw new ApiError('NOT_FOUND', 'no correction request here');
    await assertCanReadCorrection(sql, actor, { id, ...r });
    return { status: r.status };
  }
  const closed = (status: string) => new ApiError('CONFLICT', `the request is ${status}; evidence can be added only while it is open`);

  app.openapi(routes.add, async (c) => {
    const actor = requireActor(c);
    const { id } = c.req.valid('param');
    const request = await readable(id, actor);
    if (!OPEN_STATUSES.includes(request.status)) throw closed(request.status);
    const { file } = c.req.valid('form');
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (bytes.length === 0) throw new ApiError('BAD_REQUEST', 'the file is empty', 'file');
    if (bytes.length > MAX_BYTES) throw new ApiError('PAYLOAD_TOO_LARGE', TOO_LARGE, 'file');
    const filename = cleanFilename(file.name);
    // The type is read from the bytes; what the browser declared is not trusted.
    const type = sniffAttachment(bytes);
    if (!type) throw new ApiError('BAD_REQUEST', `${filename} is not a PDF, JPEG or PNG file (judged by its content, not its name)`, 'file');
    const attachment = { id: randomUUID(), filename, contentType: type, sizeBytes: bytes.length };
    // Only while still open: a decision taken since the check above wins, and nothing is stored.
    const [row] = await sql<{ uploadedAt: string }[]>`
      INSERT INTO correction_attachments (id, request_id, filename, content_type, size_bytes, sha256, bytes, uploaded_by)
      SELECT ${attachment.id}, r.id, ${filename}, ${type}, ${bytes.length}, ${createHash('sha256').update(bytes).digest('hex')}, ${Buffer.from(bytes)}, ${actor.id}
      FROM correction_requests r WHERE r.id = ${id} AND r.status = ANY(${sql.array(OPEN_STATUSES)}::text[])
      RETURNING to_json(uploaded_at)#>>'{}' AS "uploadedAt"`;
    if (!row) throw closed((await readable(id, actor)).status);
    return c.json({ attachment: { ...attachment, uploadedAt: row.uploadedAt } }, 201);
  });

  app.openapi(routes.list, async (c) => {
    const actor = requireActor(c);
    const { id } = c.req.valid('param');
    await readable(id, actor);
    return c.json({ items: await attachmentsOf(sql, id) }, 200);
  });

  app.openapi(routes.download, async (c) => {
    const actor = requireActor(c);
    const { id, attachmentId } = c.req.valid('param');
    await readable(id, actor);
    const [a] = await sql<{ filename: string; content_type: string; bytes: Buffer }[]>`
      SELECT filename, content_type, bytes FROM correction_attachments WHERE id = ${attachmentId} AND request_id = ${id}`;
    if (!a) throw new ApiError('NOT_FOUND', 'no attachment here');
    return c.body(new Uint8Array(a.bytes), 200, {
      'content-type': a.content_type,
      'content-disposition': contentDisposition(a.filename),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    });
  });
}
