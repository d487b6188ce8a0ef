import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { ReadBatch } from '../../../src/db/read-batch.js';
import { testDataSource } from '../../support/database.js';
import { rejectionOf } from '../../support/rejection.js';

describe('reads gathered into one round trip', function () {
  let db: DataSource;

  before(async function () {
    db = await testDataSource();
  });

  /** now() is the start of the transaction: reads sent together share it and their connection. */
  const probe = (n: number) => ({
    name: 'sai-test-read-probe',
    text: `SELECT $1::int AS n, now()::text AS began, pg_backend_pid() AS pid`,
    values: [n],
  });

  it('answers each read its own rows, from one transaction on one connection', async function () {
    const batch = new ReadBatch(db, { windowMs: 20 });
    const rows = await Promise.all([1, 2, 3, 4].map((n) => batch.read(probe(n))));
    expect(rows.map((answer) => (answer as Array<{ n: number }>)[0].n)).to.deep.equal([1, 2, 3, 4]);
    const each = rows.map((answer) => (answer as Array<{ began: string; pid: number }>)[0]);
    expect(new Set(each.map((row) => `${row.began}/${row.pid}`)).size).to.equal(1);
  });

  it('fails only the read that fails: the others are read again on their own', async function () {
    const batch = new ReadBatch(db, { windowMs: 20 });
    const bad = { name: 'sai-test-read-bad', text: `SELECT 1 / $1::int AS n`, values: [0] };
    const [first, failed, last] = await Promise.allSettled([batch.read(probe(1)), batch.read(bad), batch.read(probe(3))]);
    expect(first.status).to.equal('fulfilled');
    expect(last.status).to.equal('fulfilled');
    expect((last as PromiseFulfilledResult<Array<{ n: number }>>).value[0].n).to.equal(3);
    const error = await rejectionOf(Promise.reject((failed as PromiseRejectedResult).reason));
    expect(error.message).to.contain('division by zero');
  });
});
