import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { freePort } from '../../../tools/bench/ports.js';
import { testDatabaseUrl, testDataSource } from '../../support/database.js';
import { testRedisUrl, uniqueQueuePrefix } from '../../support/redis.js';

const cli = fileURLToPath(new URL('../../../cli/main.js', import.meta.url));

interface Exit {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs `sai <args>` to its end (killed after 20 s), with stdout and stderr as one text. */
async function sai(args: string[], env: Record<string, string>): Promise<Exit> {
  const started = Date.now();
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(killer);
  return { code, output, ms: Date.now() - started };
}

/** What a newcomer must see: one line, which service, where (password masked), what to do; non-zero, within 10 s. */
function expectOneLineAbout(exit: Exit, service: 'PostgreSQL' | 'Redis', maskedUrl: string, variable: string): void {
  const lines = exit.output.split('\n').filter((line) => line.trim() !== '');
  expect(lines, exit.output).to.have.length(1);
  expect(exit.code).to.be.a('number').and.not.equal(0);
  expect(exit.ms, 'time to exit').to.be.below(10_000);
  const [line] = lines;
  expect(line).to.contain(`${service} does not answer at ${maskedUrl}`);
  expect(line).to.contain('ECONNREFUSED');
  expect(line).to.contain('docker compose up -d').and.to.contain(variable);
  expect(line).not.to.contain('s3cret');
  const other = service === 'PostgreSQL' ? 'Redis' : 'PostgreSQL';
  expect(line).not.to.contain(`${other} does not answer`);
}

describe('start-up with PostgreSQL or Redis not answering', function () {
  this.timeout(120_000);
  let dir: string;
  let documentFile: string;
  let env: Record<string, string>;

  before(async () => {
    await testDataSource();
    dir = await mkdtemp(join(tmpdir(), 'sai-start-up-'));
    documentFile = join(dir, 'provider.json');
    await writeFile(documentFile, JSON.stringify({ organisations: [{ ref: 'ORG1', name: 'Acme Ltd' }] }));
    env = {
      DATABASE_URL: testDatabaseUrl(),
      REDIS_URL: testRedisUrl,
      QUEUE_PREFIX: uniqueQueuePrefix('start-up'),
      SECRETS_DIR: join(dir, 'secrets'),
      PORT: '0',
      SMART_ASSESSOR_BASE_URL: 'http://127.0.0.1:9/api/v1',
      LOG_LEVEL: 'warn',
    };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const commands: Array<{ name: string; args: () => string[]; usesRedis: boolean }> = [
    { name: 'start', args: () => ['start'], usesRedis: true },
    { name: 'worker', args: () => ['worker'], usesRedis: true },
    { name: 'scheduler', args: () => ['scheduler'], usesRedis: true },
    { name: 'admin', args: () => ['admin', '--port', '0'], usesRedis: true },
    { name: 'sync', args: () => ['sync', '--now'], usesRedis: true },
    { name: 'migrate', args: () => ['migrate'], usesRedis: false },
    { name: 'import', args: () => ['import', documentFile], usesRedis: false },
  ];

  for (const command of commands) {
    it(`${command.name}: PostgreSQL down prints one line naming it and exits non-zero; ${command.usesRedis ? 'so does Redis down' : 'Redis is not needed'}`, async () => {
      const closedPort = await freePort();
      const postgresDown = `postgres://sai:s3cret@127.0.0.1:${closedPort}/smart_assessor`;
      const redisDown = `redis://:s3cret@127.0.0.1:${closedPort}`;
      // One after the other: the 10 s are the command's own, not shared with another start.
      const withoutPostgres = await sai(command.args(), { ...env, DATABASE_URL: postgresDown });
      const withoutRedis = await sai(command.args(), { ...env, REDIS_URL: redisDown });
      expectOneLineAbout(withoutPostgres, 'PostgreSQL', `postgres://sai:****@127.0.0.1:${closedPort}/smart_assessor`, 'DATABASE_URL');
      if (command.usesRedis) {
        expectOneLineAbout(withoutRedis, 'Redis', `redis://:****@127.0.0.1:${closedPort}`, 'REDIS_URL');
      } else {
        expect(withoutRedis.code, withoutRedis.output).to.equal(0);
        expect(withoutRedis.output).not.to.contain('Redis');
      }
    });
  }
});
