/** The sample data `/service/reports` returns. */
export const SAMPLE_REPORTS = Object.freeze([
  Object.freeze({ id: 'r-2026-q3', title: 'Q3 2026 revenue', status: 'final' }),
  Object.freeze({ id: 'r-2026-q4', title: 'Q4 2026 forecast', status: 'draft' }),
]);
