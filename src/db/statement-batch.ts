import pg from 'pg';
import { QueryFailedError, type DataSource } from 'typeorm';

/** One SQL statement and its parameters. A `name` makes it a prepared statement of each connection (see queryPrepared). */
export interface SqlStatement {
  text: string;
  values: readonly unknown[];
  name?: string;
}

/** What pg hands a custom query: the connection's message writers and what it has prepared. */
interface PgConnection {
  stream: { cork?: () => void; uncork?: () => void };
  parsedStatements: Record<string, string | undefined>;
  parse(query: { text: string; name: string; types: unknown[] }): void;
  bind(config: { portal: string; statement: string; values: readonly unknown[]; valueMapper: (value: unknown) => unknown }): void;
  describe(message: { type: 'P' | 'S'; name: string }): void;
  execute(config: { portal: string; rows: number }): void;
  close(message: { type: 'P' | 'S'; name: string }): void;
  sync(): void;
  sendCopyFail(message: string): void;
}

interface PgResult {
  rows: unknown[];
  addFields(fields: unknown[]): void;
  parseRow(values: unknown[]): unknown;
  addRow(row: unknown): void;
  addCommandComplete(message: unknown): void;
}

type PgClient = pg.PoolClient & { _types?: unknown };

const { prepareValue } = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils;
const Result = pg.Result as unknown as new (rowMode: undefined, types: unknown) => PgResult;

/**
 * Runs `statements` in one round trip to PostgreSQL, as one transaction: each is parsed,
 * bound and executed in turn and a single Sync follows them all, so the server runs them
 * as one implicit transaction block (the extended query protocol's pipelining). Each
 * statement sees what the ones before it wrote; if one fails, the server skips the rest
 * and rolls the whole back, exactly as BEGIN … COMMIT would, but without the three round
 * trips that BEGIN, COMMIT and a separate write cost (on this product's loopback
 * connections a round trip costs more CPU than a simple statement).
 *
 * No statement may depend on what an earlier one answered: that needs a transaction.
 * Answers each statement's rows. A failure is thrown as TypeORM's QueryFailedError naming
 * the statement, as from a query through the DataSource.
 */
export async function runAsOneTransaction(db: DataSource, statements: readonly SqlStatement[]): Promise<unknown[][]> {
  const pool = (db.driver as unknown as { master: pg.Pool }).master;
  for (const statement of statements) db.logger.logQuery(statement.text, [...statement.values]);
  const client = (await pool.connect()) as PgClient;
  let connectionLost: Error | undefined;
  // A checked-out client has no listener of the pool's: a socket error with none would
  // crash the process. The batch hears of the error too and fails with it.
  const lost = (error: Error) => {
    connectionLost = error;
  };
  client.on('error', lost);
  try {
    return await new Promise<unknown[][]>((resolve, reject) => {
      const batch = new StatementBatch(client, statements, (error, rows) => {
        if (!error) return resolve(rows!);
        // An error the server sent leaves the connection usable; any other (the socket) does not.
        if (!(error instanceof pg.DatabaseError)) connectionLost = error;
        reject(error);
      });
      client.query(batch as unknown as pg.Submittable);
    });
  } catch (error) {
    if (error instanceof pg.DatabaseError) {
      const failed = statements[Math.min((error as DatabaseErrorAt).statementIndex ?? 0, statements.length - 1)];
      throw new QueryFailedError(failed.text, [...failed.values], error);
    }
    throw error;
  } finally {
    client.off('error', lost);
    client.release(connectionLost);
  }
}

type DatabaseErrorAt = pg.DatabaseError & { statementIndex?: number };

/** A custom pg query (pg's Submittable): writes every statement's messages and one Sync, then reads their answers in order. */
class StatementBatch {
  private readonly results: PgResult[];
  /** The statement whose answer is being read: each one's ends with CommandComplete (or EmptyQueryResponse). */
  private current = 0;
  /** Named statements this batch prepares; they count as prepared on the connection once the batch succeeds. */
  private readonly preparing: SqlStatement[] = [];
  private rowError: Error | undefined;
  private connection: PgConnection | undefined;

  constructor(
    client: PgClient,
    private readonly statements: readonly SqlStatement[],
    /** pg calls it too (its query timeout wraps it). */
    public callback: (error: Error | null, rows?: unknown[][]) => void,
  ) {
    this.results = statements.map(() => new Result(undefined, client._types ?? pg.types));
  }

  submit(connection: PgConnection): void {
    this.connection = connection;
    connection.stream.cork?.();
    try {
      for (const statement of this.statements) {
        const name = statement.name ?? '';
        if (name === '' || connection.parsedStatements[name] !== statement.text) {
          // Not known to be prepared here (or left unknown by a failed batch): closing a
          // statement that does not exist is no error, so this always leaves the right one.
          if (name !== '') {
            connection.close({ type: 'S', name });
            this.preparing.push(statement);
          }
          connection.parse({ text: statement.text, name, types: [] });
        }
        connection.bind({ portal: '', statement: name, values: statement.values, valueMapper: prepareValue });
        connection.describe({ type: 'P', name: '' });
        connection.execute({ portal: '', rows: 0 });
      }
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
  }

  handleRowDescription(message: { fields: unknown[] }): void {
    this.results[this.current]?.addFields(message.fields);
  }

  handleDataRow(message: { fields: unknown[] }): void {
    const result = this.results[this.current];
    if (!result || this.rowError) return;
    try {
      result.addRow(result.parseRow(message.fields));
    } catch (error) {
      this.rowError = error as Error;
    }
  }

  handleCommandComplete(message: unknown): void {
    this.results[this.current]?.addCommandComplete(message);
    this.current += 1;
  }

  handleEmptyQuery(): void {
    this.current += 1;
  }

  handleError(error: Error): void {
    for (const { name } of this.preparing) if (this.connection) delete this.connection.parsedStatements[name!];
    (error as DatabaseErrorAt).statementIndex = this.current;
    this.callback(error);
  }

  handleReadyForQuery(): void {
    for (const { name, text } of this.preparing) if (this.connection) this.connection.parsedStatements[name!] = text;
    if (this.rowError) return this.callback(this.rowError);
    this.callback(
      null,
      this.results.map((result) => result.rows),
    );
  }

  handleCopyInResponse(connection: PgConnection): void {
    connection.sendCopyFail('No COPY in a statement batch');
  }

  handleCopyData(): void {}

  handlePortalSuspended(): void {}
}
