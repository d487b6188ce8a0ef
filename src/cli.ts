#!/usr/bin/env node
import 'reflect-metadata';
import { ConfigError } from './config/environment.js';
import { StartupError } from './errors.js';
import { logger } from './logging/logger.js';

/** Each command lives in src/commands/<name>.ts and exports `run(args)`. */
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
