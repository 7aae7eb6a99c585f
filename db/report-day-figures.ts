// The collection report's day figures (0017_report_day_figures.sql): writers append changes, and
// this folds them into the figures. Reports read both, so folding changes speed, never a figure.
import type { Sql } from './client';

/** Folds every pending change, `batch` at a time; returns how many it folded (0 when another folder holds the lock). */
export async function foldReportDayChanges(sql: Sql, batch = 50_000): Promise<number> {
  let total = 0;
  for (;;) {
    const [{ n }] = await sql<[{ n: number }]>`SELECT fold_report_day_changes(${batch}) AS n`;
    total += n;
    if (n < batch) return total;
  }
}
