import type { EntityManager } from 'typeorm';

export interface UpsertColumn {
  name: string;
  /** The PostgreSQL type of the column's array parameter, e.g. `varchar`, `date`, `int`. */
  type: string;
  /**
   * What an existing row takes: the new value (default), the new value unless it is null
   * ("a blank never overwrites a value"), or nothing (set only when the row is created).
   */
  onUpdate?: 'replace' | 'keepWhenNull' | 'keep';
}

export interface UpsertTable {
  table: string;
  /** The columns of the unique index a row is matched on. */
  conflict: readonly string[];
  columns: readonly UpsertColumn[];
  touchUpdatedAt?: boolean;
}

/** Column-major values: one array per column of the table spec, all of the same length. */
export type ColumnValues = unknown[][];

export interface WriteCounts {
  created: number;
  updated: number;
}

/**
 * One statement for a whole chunk of rows: the values travel as one array per column and
 * `unnest` turns them back into rows, so the parameter count stays fixed however many
 * rows there are. A matched row is rewritten only when a value differs, so re-importing
 * an unchanged export reads but does not write (no dead rows, `updated_at` stays true).
 * `xmax = 0` holds only for a row this statement inserted.
 */
function upsertStatement(spec: UpsertTable, returning: string): string {
  const quoted = (name: string) => `"${name}"`;
  const updated = spec.columns
    .filter((column) => !spec.conflict.includes(column.name) && column.onUpdate !== 'keep')
    .map((column) => ({
      target: `t.${quoted(column.name)}`,
      value: column.onUpdate === 'keepWhenNull' ? `COALESCE(EXCLUDED.${quoted(column.name)}, t.${quoted(column.name)})` : `EXCLUDED.${quoted(column.name)}`,
      name: quoted(column.name),
    }));
  const sets = updated.map((column) => `${column.name} = ${column.value}`);
  if (spec.touchUpdatedAt) sets.push('"updated_at" = now()');
  return [
    `INSERT INTO ${quoted(spec.table)} AS t (${spec.columns.map((column) => quoted(column.name)).join(', ')})`,
    `SELECT * FROM unnest(${spec.columns.map((column, i) => `$${i + 1}::${column.type}[]`).join(', ')})`,
    `ON CONFLICT (${spec.conflict.map(quoted).join(', ')}) DO UPDATE SET ${sets.join(', ')}`,
    `WHERE ROW(${updated.map((column) => column.target).join(', ')}) IS DISTINCT FROM ROW(${updated.map((column) => column.value).join(', ')})`,
    `RETURNING ${returning}`,
  ].join('\n');
}

function checkShape(spec: UpsertTable, values: ColumnValues): void {
  if (values.length !== spec.columns.length) throw new Error(`${spec.table}: ${values.length} value arrays for ${spec.columns.length} columns`);
}

/**
 * Upserts and answers each row's id under the value of `keyColumn`. Every row of the
 * chunk exists afterwards, so the ones not created were matched: they count as updated.
 */
export async function upsertReturningIds(
  manager: EntityManager,
  spec: UpsertTable,
  keyColumn: string,
  values: ColumnValues,
): Promise<{ ids: Array<[string, number]>; counts: WriteCounts }> {
  checkShape(spec, values);
  const total = values[0].length;
  if (total === 0) return { ids: [], counts: { created: 0, updated: 0 } };
  const written: Array<{ id: number; key: string; inserted: boolean }> = await manager.query(upsertStatement(spec, `id, "${keyColumn}" AS key, (xmax = 0) AS inserted`), values);
  const ids: Array<[string, number]> = written.map((row) => [row.key, row.id]);
  if (written.length < total) {
    const seen = new Set(written.map((row) => row.key));
    const unchanged = (values[spec.columns.findIndex((column) => column.name === keyColumn)] as string[]).filter((key) => !seen.has(key));
    const rows: Array<{ id: number; key: string }> = await manager.query(`SELECT id, "${keyColumn}" AS key FROM "${spec.table}" WHERE "${keyColumn}" = ANY($1::varchar[])`, [
      unchanged,
    ]);
    for (const row of rows) ids.push([row.key, row.id]);
  }
  const created = written.filter((row) => row.inserted).length;
  return { ids, counts: { created, updated: total - created } };
}

/** Upserts and answers only how many rows were created and how many matched (updated). */
export async function upsertCounting(manager: EntityManager, spec: UpsertTable, values: ColumnValues): Promise<WriteCounts> {
  checkShape(spec, values);
  const total = values[0].length;
  if (total === 0) return { created: 0, updated: 0 };
  const [row]: Array<{ created: number }> = await manager.query(
    `WITH written AS (${upsertStatement(spec, '(xmax = 0) AS inserted')}) SELECT count(*) FILTER (WHERE inserted)::int AS created FROM written`,
    values,
  );
  return { created: row.created, updated: total - row.created };
}

/** Rows of `values` laid out one array per column. */
export function byColumn(rows: readonly unknown[][], columnCount: number): ColumnValues {
  const columns: ColumnValues = Array.from({ length: columnCount }, () => new Array<unknown>(rows.length));
  rows.forEach((row, r) => {
    for (let c = 0; c < columnCount; c++) columns[c][r] = row[c];
  });
  return columns;
}
