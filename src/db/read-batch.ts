import type { DataSource } from 'typeorm';
import { Gatherer, togetherOrEachAlone, type Settleable } from './gatherer.js';
import { perDataSource } from './per-data-source.js';
import { queryPrepared } from './prepared-statement.js';
import { runAsOneTransaction, type SqlStatement } from './statement-batch.js';

/**
 * The jobs' reads of the MIS, gathered: every job starts with one read by key, and jobs
 * start in bursts (a group of outcomes commits, and their workers take the next jobs
 * together). Reads made within a couple of milliseconds of each other go to PostgreSQL in
 * one round trip (runAsOneTransaction: one write, one wake-up, one answer), each still its
 * own prepared statement with its own rows.
 */

type NamedStatement = SqlStatement & { name: string };

interface PendingRead extends Settleable {
  statement: NamedStatement;
  resolve(rows: unknown[]): void;
}

const MAX_READS = 32;
/** Shorter than the outcome group's: a read holds up the job that waits for it. */
const WINDOW_MS = 2;

export class ReadBatch {
  private readonly gatherer: Gatherer<PendingRead>;

  constructor(
    private readonly db: DataSource,
    options: { maxReads?: number; windowMs?: number } = {},
  ) {
    this.gatherer = new Gatherer((batch) => this.send(batch), { maxItems: options.maxReads ?? MAX_READS, windowMs: options.windowMs ?? WINDOW_MS });
  }

  /** The statement's rows, read with others. */
  read(statement: NamedStatement): Promise<unknown[]> {
    return new Promise((resolve, reject) => this.gatherer.add({ statement, resolve, reject }));
  }

  private send(batch: readonly PendingRead[]): Promise<void> {
    return togetherOrEachAlone(
      batch,
      async (reads) => {
        const answers = await runAsOneTransaction(
          this.db,
          reads.map((read) => read.statement),
        );
        reads.forEach((read, index) => read.resolve(answers[index]));
      },
      async ({ statement, resolve }) => resolve(await queryPrepared(this.db, statement.name, statement.text, [...statement.values])),
    );
  }
}

/** The process's read batch for this database. */
export const readBatchFor = perDataSource((db) => new ReadBatch(db));
