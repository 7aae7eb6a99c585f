// The evaluation report as a Bengali A4 PDF: the fonts shipped with the app, the TCV figures, the
// targets and the quarterly counts of the office asked for — and nothing outside the reader's part.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHarness, type ApiHarness } from '../../tests/api-harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
  const uco = await api.as('upazila_officer');
  const res = await api.request(uco, 'POST', '/api/societies/SOC-1/leaders', { position: 'president', name: 'রহিমা খাতুন', mobile: '01711000001', electedOn: '2026-01-15' });
  expect(res.status).toBe(201);
  const now = new Date(Date.now() + 6 * 3_600_000);
  await api.sql`INSERT INTO enrolment_targets (office_id, month, target, set_by) VALUES ('JHENAIDAH-SADAR', make_date(${now.getUTCFullYear()}, ${now.getUTCMonth() + 1}, 1), 12, 'test')`;
  const dco = await api.as('district_officer');
  expect((await api.request(dco, 'POST', '/api/network/quarterly', { quarter: '2026-Q3' })).status).toBe(202);
  await api.h.temporal.workflow.getHandle('quarterly-lists-2026-Q3').result();
}, 240_000);
afterAll(async () => {
  await api?.close();
});

const download = async (role: Parameters<ApiHarness['as']>[0], url: string) => {
  const res = await api.request(await api.as(role), 'GET', url);
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
};

describe('GET /api/network/evaluation.pdf', () => {
  it('prints the evaluation for the district as an A4 PDF set in Noto Sans Bengali, named for the office and period', async () => {
    const { res, bytes } = await download('district_officer', '/api/network/evaluation.pdf?officeId=JHENAIDAH&from=2026-01-01&to=2026-12-31');
    expect(res.status, bytes.toString('utf8').slice(0, 300)).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="network-evaluation_JHENAIDAH_2026-01-01_2026-12-31.pdf"');
    const text = bytes.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    const fonts = [...new Set([...text.matchAll(/\/BaseFont\s*\/(?:[A-Z]{6}\+)?([A-Za-z0-9-]+)/g)].map((m) => m[1]!))];
    expect(fonts).toEqual(expect.arrayContaining(['NotoSansBengali-Regular', 'NotoSansBengali-Bold']));
    expect(fonts.filter((f) => !f.startsWith('NotoSansBengali')).length, fonts.join(', ')).toBeLessThanOrEqual(1);
    // Kept for a person to look at (pdftoppm -png -r 80 test-results/network-evaluation.pdf).
    await writeFile(path.resolve(import.meta.dirname, '../../test-results/network-evaluation.pdf'), bytes);
  });

  it('uses the reader’s own office when none is named', async () => {
    const { res } = await download('upazila_officer', '/api/network/evaluation.pdf');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="network-evaluation_JHENAIDAH-SADAR_\d{4}-01-01_\d{4}-\d{2}-\d{2}\.pdf"$/);
  });

  it('answers 404 for an office outside the reader’s part of the country, and 400 for a period backwards', async () => {
    expect((await download('upazila_officer', '/api/network/evaluation.pdf?officeId=JHENAIDAH-KALIGANJ')).res.status).toBe(404);
    expect((await download('district_officer', '/api/network/evaluation.pdf?officeId=MAGURA')).res.status).toBe(404);
    const backwards = await download('district_officer', '/api/network/evaluation.pdf?from=2026-12-01&to=2026-01-01');
    expect(backwards.res.status).toBe(400);
    expect(JSON.parse(backwards.bytes.toString('utf8')).error.field).toBe('from');
    const anonymous = await api.app.request('/api/network/evaluation.pdf');
    expect(anonymous.status).toBe(401);
  });
});
