import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { run } from '../../../cli/commands/demo.js';
import { generateDemoProvider } from '../../../tools/demo/generate.js';

describe('sai demo', () => {
  let dir: string;
  let stderr: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sai-demo-'));
    stderr = '';
    sinon.stub(process.stderr, 'write').callsFake((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  });
  afterEach(async () => {
    sinon.restore();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the seeded document to --out', async () => {
    const file = join(dir, 'demo.json');
    expect(await run(['--learners', '30', '--seed', '4', '--today', '2026-11-28', '--out', file])).to.equal(0);
    expect(JSON.parse(await readFile(file, 'utf8'))).to.deep.equal(generateDemoProvider({ learners: 30, seed: 4, today: '2026-11-28' }));
    expect(stderr).to.contain('wrote 30 learners');
  });

  it('refuses missing, unknown and malformed options with the usage', async () => {
    expect(await run([])).to.equal(2);
    expect(stderr).to.contain('--learners N is required');
    expect(await run(['--learners', 'many'])).to.equal(2);
    expect(stderr).to.contain('--learners must be a whole number of at least 1, got "many"');
    expect(await run(['--learners', '5', '--colour', 'red'])).to.equal(2);
    expect(stderr).to.contain("Unknown option '--colour'");
    expect(await run(['--learners', '5', '--today', 'tomorrow'])).to.equal(2);
    expect(stderr).to.contain('today must be a real date YYYY-MM-DD, not "tomorrow"');
    expect(stderr).to.contain('usage: sai demo --learners N');
  });

  it('prints its usage for --help and exits 0', async () => {
    let stdout = '';
    sinon.stub(process.stdout, 'write').callsFake((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    expect(await run(['--help'])).to.equal(0);
    expect(stdout).to.contain('usage: sai demo --learners N');
    expect(stderr).to.equal('');
  });
});
