// A record's values as a correction form shows them: taka rather than poisha, empty for none.
export function formValues(values: Record<string, string | number | null>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([f, v]) => [f, v === null || v === undefined ? '' : f === 'principalPoisha' ? String(Number(v) / 100) : String(v)]),
  );
}
