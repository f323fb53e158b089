/** Plain-text tables for the terminal: left-aligned text, right-aligned numbers, long cells clipped. */

export type Cell = string | number | undefined;

const MAX_CELL = 72;

const text = (cell: Cell): string => {
  if (cell === undefined) return '–';
  const value = String(cell);
  return value.length > MAX_CELL ? `${value.slice(0, MAX_CELL - 1)}…` : value;
};

export const table = (headers: readonly string[], rows: readonly (readonly Cell[])[]): string => {
  const cells = rows.map((row) => headers.map((_, i) => text(row[i])));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number' || row[i] === undefined),
  );
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...cells.map((row) => (row[i] as string).length)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, i) =>
        numeric[i] ? value.padStart(widths[i] as number) : value.padEnd(widths[i] as number),
      )
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
};
