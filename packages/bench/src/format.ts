/** Formatting for the bench's output: aligned plain-text tables, readable in a terminal and in CI logs. */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `1234567.8` → `"1,234,568"`. */
export function formatOps(opsPerSec: number): string {
  return integer.format(opsPerSec);
}

/** `0.8734` → `"0.87×"`. */
export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '–';
}

/** `12.345` → `"±12.3%"`. */
export function formatRme(rme: number): string {
  return `±${rme.toFixed(1)}%`;
}

/** Milliseconds with two decimals: `12.345` → `"12.35"`. */
export function formatMs(ms: number): string {
  return Number.isFinite(ms) ? ms.toFixed(2) : '–';
}

/** Bytes as an integer with a unit: `1536` → `"1,536 B (1.5 KiB)"`. */
export function formatBytes(bytes: number): string {
  return bytes >= 1024
    ? `${integer.format(bytes)} B (${(bytes / 1024).toFixed(1)} KiB)`
    : `${integer.format(bytes)} B`;
}

export function printHeading(text: string): void {
  console.log(`\n${text}\n${'='.repeat(text.length)}`);
}

export interface Column {
  header: string;
  /** Numbers read best right-aligned. Default `"left"`. */
  align?: 'left' | 'right';
}

/** Prints rows under a title as an aligned table; cells are already formatted strings. */
export function printTable(
  title: string,
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
): void {
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        columns[i]?.align === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  console.log(`\n${title}`);
  console.log(line(columns.map((column) => column.header)));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
}
