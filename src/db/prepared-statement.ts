import { DataSource, type EntityManager } from 'typeorm';

interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** Something that runs SQL: the DataSource, a transaction's EntityManager, or a stand-in with `query`. */
export type SqlExecutor = DataSource | EntityManager | { query(sql: string, parameters?: unknown[]): Promise<unknown> };

/**
 * Runs a named (prepared) statement: PostgreSQL parses and plans it once per connection
 * instead of on every call, which for the statements every job runs costs more than
 * running them. From the DataSource it goes straight to the pool (no TypeORM query runner
 * per call); in a transaction, through the transaction's own connection. A name belongs
 * to one text for the life of the process.
 *
 * Only for statements whose plan cannot go wrong on a table without statistics (a
 * prepared plan is kept): lookups by a key that only one index serves.
 */
export async function queryPrepared(executor: SqlExecutor, name: string, text: string, values: unknown[]): Promise<unknown[]> {
  let client: PgClient | undefined;
  let dataSource: DataSource | undefined;
  if (executor instanceof DataSource) {
    dataSource = executor;
    client = (executor.driver as unknown as { master: PgClient }).master;
  } else if ('queryRunner' in executor) {
    dataSource = executor.connection;
    client = (await executor.queryRunner?.connect()) as PgClient | undefined;
  }
  if (!client || !dataSource) return (await executor.query(text, values)) as unknown[];
  // Past TypeORM's query runner, but not past its query log: what it logs is what is sent.
  dataSource.logger.logQuery(text, values);
  return (await client.query({ name, text, values })).rows;
}
