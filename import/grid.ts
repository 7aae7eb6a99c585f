// What the CSV and XLSX readers both produce: the sheet as the clerk sees it, before any column
// meaning is attached. grid[i] is spreadsheet row i + 1.

export interface RawCell {
  /** The text the clerk sees in the cell. */
  text: string;
  /** The cell held a real date (XLSX only); fine in the date column, a mangled value elsewhere. */
  isDate?: true;
  /** Why the text cannot be trusted as typed, e.g. a number Excel cut to 15 digits. */
  problem?: string;
}

export type Grid = RawCell[][];

export interface SheetGrid {
  grid: Grid;
  /** CSV only: a row with more cells than the header usually means an unquoted comma. */
  strictWidth: boolean;
}
