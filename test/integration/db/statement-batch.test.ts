import { expect } from 'chai';
import pg from 'pg';
import { QueryFailedError, type DataSource } from 'typeorm';
import { createDataSource } from '../../../src/db/data-source.js';
import { runAsOneTransaction } from '../../../src/db/statement-batch.js';
import { resetDatabase, testDatabaseUrl, testDataSource } from '../../support/database.js';
import { rejectionOf } from '../../support/rejection.js';
import { startTcpProxy } from '../../support/tcp-proxy.js';

const failure = (promise: Promise<unknown>) => rejectionOf(promise, QueryFailedError);

describe('statements run as one transaction in one round trip', () => {
  let db: DataSource;

  before(async () => {
    db = await testDataSource();
  });
  beforeEach(() => resetDatabase(db));

  const organisation = (ref: string, name: string) => ({ text: `INSERT INTO organisation (ref, name) VALUES ($1, $2) RETURNING ref`, values: [ref, name] });
  const names = async () => ((await db.query(`SELECT ref, name FROM organisation ORDER BY ref`)) as Array<{ ref: string; name: string }>).map((row) => `${row.ref} ${row.name}`);

  it('runs them in order, each seeing what the ones before wrote, and answers the rows of each', async () => {
    const sent = { count: 0 };
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function counted(this: pg.Client, ...args: unknown[]) {
      sent.count += 1;
      return (query as (...args: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    let answers: unknown[][];
    try {
      answers = await runAsOneTransaction(db, [
        organisation('ORG1', 'Acme'),
        { text: `UPDATE organisation SET name = name || ' Ltd' WHERE ref = $1`, values: ['ORG1'] },
        { text: `SELECT name, $2::int AS n, $3::jsonb AS j FROM organisation WHERE ref = $1`, values: ['ORG1', 7, JSON.stringify({ a: [1] })] },
      ]);
    } finally {
      pg.Client.prototype.query = query;
    }
    expect(sent.count, 'one query sent').to.equal(1);
    expect(answers).to.deep.equal([[{ ref: 'ORG1' }], [], [{ name: 'Acme Ltd', n: 7, j: { a: [1] } }]]);
    expect(await names()).to.deep.equal(['ORG1 Acme Ltd']);
  });

  it('keeps nothing when one of them fails, names the failing statement, and leaves the connection usable', async () => {
    const duplicate = organisation('ORG1', 'Again');
    const error = await failure(runAsOneTransaction(db, [organisation('ORG1', 'Acme'), organisation('ORG2', 'Other'), duplicate, organisation('ORG3', 'Never')]));
    expect(error.query).to.equal(duplicate.text);
    expect((error.driverError as { code?: string }).code).to.equal('23505');
    expect(await names()).to.deep.equal([]);
    for (let attempt = 0; attempt < 12; attempt += 1) await runAsOneTransaction(db, [{ text: 'SELECT 1', values: [] }]);
    await runAsOneTransaction(db, [organisation('ORG2', 'Other')]);
    expect(await names()).to.deep.equal(['ORG2 Other']);
  });

  it('fails, without taking the process down, when the connection is reset under it; the pool goes on with a new one', async () => {
    const server = new URL(testDatabaseUrl());
    const proxy = await startTcpProxy({ targetHost: server.hostname, targetPort: Number(server.port || 5432) });
    const throughProxy = createDataSource({ url: proxy.through(testDatabaseUrl()), poolSize: 2, applicationName: 'sai-tests' });
    await throughProxy.initialize();
    try {
      const batch = runAsOneTransaction(throughProxy, [{ text: 'SELECT pg_sleep(1)', values: [] }, organisation('ORG1', 'Acme')]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      proxy.resetConnections();
      const error = await batch.then(
        () => null,
        (failed: Error) => failed,
      );
      expect(error?.message).to.match(/ECONNRESET|terminated/);
      await runAsOneTransaction(throughProxy, [organisation('ORG2', 'Other')]);
      expect(await names()).to.deep.equal(['ORG2 Other']);
    } finally {
      await throughProxy.destroy();
      await proxy.close();
    }
  });

  it('prepares a named statement once per connection, and again where a failed batch left it unknown', async () => {
    const named = (ref: string) => ({ name: 'test-insert-organisation', ...organisation(ref, 'Named') });
    // More batches than the pool has connections, so each connection prepares it and then reuses it.
    for (let index = 0; index < 25; index += 1) await runAsOneTransaction(db, [named(`N${index}`)]);
    await failure(runAsOneTransaction(db, [named('N0')]));
    await Promise.all(Array.from({ length: 12 }, (_, index) => runAsOneTransaction(db, [named(`M${index}`)])));
    const [{ count }] = (await db.query(`SELECT count(*)::int AS count FROM organisation WHERE name = 'Named'`)) as Array<{ count: number }>;
    expect(count).to.equal(37);
  });
});
