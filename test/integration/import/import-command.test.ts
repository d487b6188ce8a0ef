import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import type { DataSource } from 'typeorm';
import { run } from '../../../cli/commands/import.js';
import { resetDatabase, testDatabaseUrl, testDataSource } from '../../support/database.js';

/** Runs `sai import` in-process against this run's database, capturing what it prints. */
async function sai(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = sinon.stub(process.stdout, 'write').callsFake((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = sinon.stub(process.stderr, 'write').callsFake((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await run(args);
    return { code, stdout, stderr };
  } finally {
    out.restore();
    err.restore();
  }
}

describe('sai import FILE', () => {
  let db: DataSource;
  let dir: string;
  const saved = { DATABASE_URL: process.env.DATABASE_URL, SECRETS_DIR: process.env.SECRETS_DIR };

  before(async () => {
    db = await testDataSource();
    dir = await mkdtemp(join(tmpdir(), 'sai-import-'));
    process.env.DATABASE_URL = testDatabaseUrl();
    process.env.SECRETS_DIR = join(dir, 'secrets');
  });
  after(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => resetDatabase(db));

  it('imports the file and prints the counts', async () => {
    const file = join(dir, 'provider.json');
    await writeFile(
      file,
      JSON.stringify({
        organisations: [{ ref: 'ORG1', name: 'Acme Ltd' }],
        learners: [{ learnerIdent: 'L1', firstName: 'Amira', surname: 'Khan', placementOrganisationRef: 'ORG1' }],
        settings: { password: 'from-file' },
      }),
    );
    const { code, stdout } = await sai([file]);
    expect(code).to.equal(0);
    expect(stdout).to.match(/learners\s+1\s+0/);
    expect(stdout).to.match(/organisations\s+1\s+0/);
    expect(stdout).not.to.contain('from-file');
    expect(await db.query('SELECT learner_ident FROM learner')).to.deep.equal([{ learner_ident: 'L1' }]);
  });

  it('prints every refused path and reason, exits 1 and writes nothing', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({
        organisations: [{ ref: 'ORG1', name: 'Acme Ltd' }],
        learners: [{ learnerIdent: 'L1', firstName: 'Amira', surname: 'Khan', placementOrganisationRef: 'ORG2', gender: 'F' }],
      }),
    );
    const { code, stderr } = await sai([file]);
    expect(code).to.equal(1);
    expect(stderr).to.contain('refused, nothing was written (2 problems)');
    expect(stderr).to.contain('  learners[0].gender: must be one of Male, Female, Other, NotKnown or null\n');
    expect(stderr).to.contain('  learners[0].placementOrganisationRef: no organisation "ORG2" in the document or the database\n');
    expect(await db.query('SELECT id FROM organisation')).to.deep.equal([]);
  });

  it('says when the file is not JSON, and how to call it when no file is given', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"learners": [');
    const broken = await sai([file]);
    expect(broken.code).to.equal(1);
    expect(broken.stderr).to.contain('cannot be read as JSON');
    const usage = await sai([]);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.contain('usage: sai import FILE');
  });
});
