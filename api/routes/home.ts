// A plain status page until the SvelteKit app (issue 5) takes over "/": loans per office and status,
// straight from the write-through tables, with a link to the Temporal Web UI.
import { html, raw } from 'hono/html';
import { bnDigits } from '../../domain/bengali';
import { formatTaka } from '../../domain/money';
import type { App, AppDeps } from '../app-env';

const STATUS_BN: Record<string, string> = {
  disbursing: 'বিতরণ চলছে',
  active: 'চলমান',
  in_grace: 'অতিরিক্ত সময়ে',
  overdue: 'মেয়াদোত্তীর্ণ',
  defaulted: 'খেলাপি',
  blacklisted: 'কালো তালিকাভুক্ত',
  closed: 'পরিশোধিত',
  settled: 'নিষ্পত্তি',
  written_off: 'অবলোপন',
  cancelled: 'বাতিল',
};

export function registerHome(app: App, deps: AppDeps): void {
  app.get('/', async (c) => {
    const rows = await deps.sql<{ office: string; status: string; loans: number; owed: number; paid: number }[]>`
      SELECT o.name_bn AS office, l.status, count(*)::int AS loans,
             coalesce(sum(l.total_owed_poisha), 0)::bigint AS owed, coalesce(sum(l.paid_poisha), 0)::bigint AS paid
      FROM loans l JOIN offices o ON o.id = l.office_id
      GROUP BY o.name_bn, l.status ORDER BY o.name_bn, l.status`;
    const ui = deps.links?.temporalUi;
    return c.html(html`<!doctype html>
      <html lang="bn">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>আশ্রয়ণ ঋণ — Asrayon</title>
          <style>
            body { font-family: 'Noto Sans Bengali', system-ui, sans-serif; margin: 1rem; color: #1a1a1a; }
            table { border-collapse: collapse; width: 100%; max-width: 60rem; }
            th, td { border-bottom: 1px solid #ccc; padding: .4rem .6rem; text-align: left; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; }
          </style>
        </head>
        <body>
          <h1>আশ্রয়ণ ঋণের কিস্তি — অবস্থা</h1>
          <p>
            <a href="/api/health">সিস্টেমের অবস্থা (health)</a>
            ${ui ? raw(` · <a href="${ui}">Temporal Web UI</a>`) : ''}
          </p>
          <table>
            <thead><tr><th>উপজেলা</th><th>অবস্থা</th><th>ঋণ</th><th>মোট পাওনা</th><th>আদায়</th></tr></thead>
            <tbody>
              ${rows.length === 0 ? html`<tr><td colspan="5">এখনো কোনো ঋণ নেই। <code>npm run demo</code> দিয়ে নমুনা তথ্য যোগ করুন।</td></tr>` : ''}
              ${rows.map(
                (r) => html`<tr><td>${r.office}</td><td>${STATUS_BN[r.status] ?? r.status}</td><td class="n">${bnDigits(r.loans)}</td>
                  <td class="n">${formatTaka(r.owed)}</td><td class="n">${formatTaka(r.paid)}</td></tr>`,
              )}
            </tbody>
          </table>
        </body>
      </html>`);
  });
}
