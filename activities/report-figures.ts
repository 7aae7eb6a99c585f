import { foldReportDayChanges } from '../db/report-day-figures';
import type { ActivityDeps } from '.';

export function createReportFigureActivities({ sql }: ActivityDeps) {
  return {
    /** Folds the collection report's pending day-figure changes; returns how many. */
    foldReportDayChanges: (): Promise<number> => foldReportDayChanges(sql),
  };
}
