#!/usr/bin/env node
import 'reflect-metadata';
import type { ServiceNeeds } from './commands/service-check.js';
import { ConfigError, loadConfig } from '../src/config/environment.js';
import { StartupError } from '../src/failure-kinds.js';
import { logger } from '../src/logging/logger.js';

/** Each command lives in cli/commands/<name>.ts and exports `run(args)`. */
const COMMANDS: Record<string, string> = {
  start: 'everything in one process: migrations, simulator (when no SMART_ASSESSOR_BASE_URL), workers, scheduler, admin',
  worker: 'workers for chosen queues: worker [--queues a,b] [--concurrency N]',
  scheduler: 'the daily scheduler and run tracking',
  admin: 'the admin web UI and JSON API',
  sync: 'sync --now | sync --learner IDENT',
  import: 'import FILE: import a provider document (all or nothing)',
  demo: 'demo --learners N [--out FILE] [--seed S]: generate a realistic provider document',
  migrate: 'apply pending database migrations',
  simulator: 'simulator [--port P]: the Smart Assessor simulator',
  bench: 'bench --learners N [--latency-ms L] [--rate-limit R]: measure a full daily run',
};

/**
 * What each command needs running (cli/commands/service-check.ts): checked before the
 * command's code is even loaded, so a service that is down is reported in a few seconds
 * however busy the machine. `createsDatabase`: the command makes a missing database.
 */
const NEEDS: Partial<Record<string, ServiceNeeds>> = {
  start: { createsDatabase: true, redis: true },
  worker: { createsDatabase: false, redis: true },
  scheduler: { createsDatabase: false, redis: true },
  admin: { createsDatabase: true, redis: true },
  sync: { createsDatabase: false, redis: true },
  import: { createsDatabase: true, redis: false },
  migrate: { createsDatabase: true, redis: false },
  bench: { createsDatabase: true, redis: true },
};

export interface Command {
  run(args: string[]): Promise<number | void>;
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return ['usage: sai <command> [options]', '', ...Object.entries(COMMANDS).map(([name, text]) => `  ${name.padEnd(width)}  ${text}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === 'help' || !(name in COMMANDS)) {
    process.stderr.write(usage() + '\n');
    return name && name !== '--help' && name !== 'help' ? 2 : 0;
  }
  const needs = NEEDS[name];
  if (needs && !args.includes('--help')) {
    const { checkServices } = await import('./commands/service-check.js');
    await checkServices(loadConfig(), needs);
  }
  const command = (await import(new URL(`./commands/${name}.js`, import.meta.url).href)) as Command;
  return (await command.run(args)) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof StartupError) {
      process.stderr.write(error.message + '\n');
    } else {
      logger.error('command failed', { error });
    }
    process.exitCode = 1;
  },
);
