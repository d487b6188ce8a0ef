import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { nodeFlagsFor } from '../../src/config/process-heap.js';
import { BENCH_SPEC_VARIABLE, type BenchMessage, type BenchProcessSpec } from './process-protocol.js';

/** Compiled JS beside this file: works from dist/ wherever the build went. */
const PIPELINE_PROCESS = fileURLToPath(new URL('./pipeline-process.js', import.meta.url));
const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

export type BenchReport = Extract<BenchMessage, { type: 'report' }>;

export interface BenchChild {
  readonly process: ChildProcess;
  readonly role: string;
  /** What it wrote, when started with `captureOutput` (the last lines only). */
  output(): string;
  /** Asks it to close and answers what it counted. */
  stop(withinMs?: number): Promise<BenchReport>;
  /** Kills it at once (on the way out after a failure). */
  kill(): void;
}

function exitedEarly(child: ChildProcess, role: string): Promise<never> {
  return once(child, 'exit').then(([code, signal]) => {
    throw new Error(`The bench ${role} process exited early (code ${code}, signal ${signal}); its log is above`);
  });
}

const KEEP_OUTPUT_LINES = 200;

/**
 * Starts a pipeline process (workers, scheduler or the no-op baseline) and waits until it
 * is ready. With `captureOutput` its log is kept (the last lines) instead of shown, for a
 * test to print when it fails.
 */
export async function startBenchChild(spec: BenchProcessSpec, env: NodeJS.ProcessEnv, options: { captureOutput?: boolean } = {}): Promise<BenchChild> {
  const child = fork(PIPELINE_PROCESS, [], {
    // The scheduler as `bin/sai scheduler` starts it; workers and the baseline as `sai worker`.
    execArgv: spec.role === 'scheduler' ? [...process.execArgv, ...nodeFlagsFor('scheduler')] : undefined,
    env: { ...env, [BENCH_SPEC_VARIABLE]: JSON.stringify(spec) },
    stdio: ['ignore', options.captureOutput ? 'pipe' : 'inherit', options.captureOutput ? 'pipe' : 'inherit', 'ipc'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > KEEP_OUTPUT_LINES) lines.splice(0, lines.length - KEEP_OUTPUT_LINES);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = exitedEarly(child, spec.role);
  exited.catch(() => undefined);
  const messages: BenchMessage[] = [];
  const waiters: Array<() => void> = [];
  child.on('message', (message: BenchMessage) => {
    messages.push(message);
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (type: BenchMessage['type'], withinMs: number): Promise<BenchMessage> => {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const found = messages.find((message) => message.type === type);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`The bench ${spec.role} process did not say "${type}" within ${withinMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        exited,
        new Promise<void>((resolve) => {
          waiters.push(resolve);
          timer = setTimeout(resolve, left);
        }),
      ]).finally(() => clearTimeout(timer));
    }
  };
  await next('ready', 60_000);
  return {
    process: child,
    role: spec.role,
    output: () => lines.join('\n'),
    async stop(withinMs = 120_000) {
      child.send({ type: 'stop' });
      const report = (await next('report', withinMs)) as BenchReport;
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
      return report;
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

export interface SimulatorChild {
  readonly process: ChildProcess;
  readonly baseUrl: string;
  readonly controlUrl: string;
  stop(): Promise<void>;
}

/** `sai simulator` in a process of its own, so its memory is its own; answers once its control routes answer. */
export async function startSimulatorChild(port: number, flags: string[], env: NodeJS.ProcessEnv): Promise<SimulatorChild> {
  const child = spawn(process.execPath, [CLI, 'simulator', '--port', String(port), ...flags], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = exitedEarly(child, 'simulator');
  exited.catch(() => undefined);
  const controlUrl = `http://127.0.0.1:${port}/_control`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const healthy = await fetch(`${controlUrl}/health`).then(
      (answer) => answer.ok,
      () => false,
    );
    if (healthy) break;
    if (child.exitCode !== null) await exited;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The simulator did not answer on port ${port} within 30 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    process: child,
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    controlUrl,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** A control route of the simulator child, as JSON. */
export async function control<T>(simulator: SimulatorChild, method: string, route: string, body?: unknown): Promise<T> {
  const answer = await fetch(`${simulator.controlUrl}/${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  if (!answer.ok) throw new Error(`Simulator ${method} /_control/${route} answered ${answer.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}
