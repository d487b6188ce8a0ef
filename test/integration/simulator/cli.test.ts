import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const cli = fileURLToPath(new URL('../../../cli/main.js', import.meta.url));

/** `sai simulator`: a simulator in its own process, its site credentials from the environment. */
describe('sai simulator (command line)', () => {
  let child: ChildProcess | undefined;

  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
    child = undefined;
  });

  it('starts on the given port with the configured credentials and faults, prints them, and stops cleanly on SIGTERM', async () => {
    child = spawn(process.execPath, [cli, 'simulator', '--port', '0', '--rate-limit', '321', '--error-rate', '1', '--fault-operations', 'getSite'], {
      env: { ...process.env, SIMULATOR_USERNAME: 'cli.user@example', SIMULATOR_PASSWORD: 'cli-password', SIMULATOR_CLIENT_KEY: 'cli-key', LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const deadline = Date.now() + 20_000;
    while (!/client key: .*\n/.test(output)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the simulator did not start: ${output}`);
      await Promise.race([once(child.stdout!, 'data'), once(child, 'exit')]);
    }
    const baseUrl = /listening on (\S+)/.exec(output)![1]!;
    expect(output).to.contain('username:   cli.user@example').and.to.contain('password:   cli-password').and.to.contain('client key: cli-key');

    const token = await fetch(`${baseUrl}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'cli.user@example', password: 'cli-password', clientKey: 'cli-key' }),
    });
    expect(token.status).to.equal(200);
    expect(token.headers.get('x-ratelimit-limit')).to.equal('321');
    const { accessToken } = (await token.json()) as { accessToken: string };
    const site = await fetch(`${baseUrl}/site`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(site.status).to.equal(500);
    await site.text();

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).to.equal(0);
  });

  it('refuses a flag value that is not a number, naming it', async () => {
    child = spawn(process.execPath, [cli, 'simulator', '--latency-ms', 'slow'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let errors = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).to.equal(2);
    expect(errors).to.contain('--latency-ms must be a number, got "slow"');
  });
});
