import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { HEAP_LIMIT_MB } from '../../../src/config/process-heap.js';
import { testDatabaseUrl, testDataSource } from '../../support/database.js';
import { waitFor } from '../../support/pipeline.js';
import { testRedisUrl, uniqueQueuePrefix } from '../../support/redis.js';

/** The launcher at the top of the repository (this test runs from dist/test/...). */
const launcher = fileURLToPath(new URL('../../../../bin/sai', import.meta.url));

/**
 * Runs `bin/sai` with `args` until it prints `ready`, hands `check` the arguments the
 * running process was started with (from /proc), then stops it with SIGTERM and expects
 * a clean exit.
 */
async function whileRunning(args: string[], env: NodeJS.ProcessEnv, ready: string, check: (commandLine: string[]) => void, via = launcher): Promise<void> {
  const child: ChildProcess = spawn(via, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await waitFor(`"${ready}"`, async () => output.includes(ready) || child.exitCode !== null, 30_000);
    expect(child.exitCode, output).to.equal(null);
    check(readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean));
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = await once(child, 'exit');
  expect(code, output).to.equal(0);
}

describe('bin/sai (the launcher)', () => {
  before(async () => {
    await testDataSource(); // the test database, migrated, for the scheduler to open
  });

  it('starts the scheduler as Node itself under the heap limit process-heap.ts gives it, and it stops cleanly on SIGTERM', async function () {
    this.timeout(60_000);
    const env = {
      DATABASE_URL: testDatabaseUrl(),
      REDIS_URL: testRedisUrl,
      QUEUE_PREFIX: uniqueQueuePrefix('launcher'),
      SETTINGS_ENCRYPTION_KEY: 'ab'.repeat(32),
      LOG_LEVEL: 'info',
    };
    await whileRunning(['scheduler'], env, 'scheduler started', (commandLine) => {
      // `exec`: the pid a supervisor holds is Node's, so its signals reach the scheduler.
      expect(commandLine[0]).to.match(/node$/);
      expect(commandLine).to.include(`--max-old-space-size=${HEAP_LIMIT_MB.scheduler}`);
      expect(commandLine.slice(-2)).to.satisfy(([script, command]: string[]) => script.endsWith('/dist/cli/main.js') && command === 'scheduler');
    });
  });

  it("starts other commands with Node's defaults, also through a symlink as npm installs it", async function () {
    this.timeout(30_000);
    const folder = mkdtempSync(join(tmpdir(), 'sai-bin-'));
    const linked = join(folder, 'sai');
    symlinkSync(launcher, linked);
    try {
      await whileRunning(
        ['simulator', '--port', '0'],
        { LOG_LEVEL: 'error' },
        'listening on',
        (commandLine) => {
          expect(commandLine[0]).to.match(/node$/);
          expect(commandLine.filter((arg) => arg.startsWith('--'))).to.deep.equal(['--port']);
        },
        linked,
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
