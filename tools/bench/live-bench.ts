import pg from 'pg';
import type { DataSource } from 'typeorm';
import { connectRedis, producerConnection, workerConnection } from '../../queues/connection.js';
import { createProducers, type Producers } from '../../queues/producers.js';
import type { Config } from '../../src/config/environment.js';
import { dropDatabase, ensureDatabaseExists, openDatabase } from '../../src/db/data-source.js';
import { snapshotKey } from '../../src/daily/learner-snapshot.js';
import { generateDemoProvider } from '../demo/generate.js';
import { Random } from '../demo/random.js';
import { importDocument } from '../../src/import/import-document.js';
import { DEFAULT_BUDGET_SHARE } from '../../src/smart-assessor/request-budget.js';
import { requestLearnerSync } from '../../src/runs/index.js';
import { ELIGIBLE_LEARNER_SQL } from '../../src/runs/run-subjects.js';
import { SecretBox, parseEncryptionKey } from '../../src/settings/secret-box.js';
import { SettingsService } from '../../src/settings/settings-service.js';
import type { SimulatorCounters } from '../simulator/store.js';
import { eligibilityCutoff } from '../../src/sync/index.js';
import { control, startBenchChild, startSimulatorChild, type BenchChild } from './child-processes.js';
import { allDelivered, liveDelivery, type EmailEdit, type LiveDelivery } from './live-latency.js';
import { freePort } from './ports.js';
import { benchDatabaseUrl, benchPlace, NO_LIMIT_PER_MINUTE, prepareProvider, removeKeys, waitUntil, type BenchOptions, type BenchWorld } from './run-bench.js';
import { startWriteRecorder, type WriteRecorder } from './write-recorder.js';

/**
 * `sai bench --live`: live sync measured from an MIS commit to the Smart Assessor write
 * (SPEC.md §6). A generated provider is enrolled as for the daily bench, the scheduler
 * (with its relay) and the workers run as processes of their own, and a proxy in front
 * of the simulator notes when Smart Assessor answers each learner email PATCH. Then:
 *
 * 1. steady edits: `editsPerSecond` email changes a second to random eligible learners
 *    for `editSeconds`, each a plain SQL UPDATE committed by this process (another
 *    program, to the product), timed from its commit to the write that carried it;
 * 2. an import landing: every learner's email changed by one import (the product's
 *    import, all or nothing, one transaction), timed the same way, with the Smart
 *    Assessor calls it took against what the site's budget allows for them, and an
 *    "Update Learner In Smart Assessor" requested a few seconds in, timed to its end.
 *
 * Each phase waits until every edited learner's last email is in Smart Assessor.
 */

export interface LiveBenchOptions extends BenchOptions {
  /** Edits a second in the steady phase (0 skips it). */
  editsPerSecond: number;
  editSeconds: number;
}

export interface LivePhase {
  delivery: LiveDelivery;
  learners: number;
  /** From the phase's first commit until its last write. */
  seconds: number;
  smartAssessorCalls: number;
  rateLimited429s: number;
}

export interface LiveBenchResult {
  options: LiveBenchOptions;
  setupSeconds: number;
  enrolled: number;
  steady: LivePhase | null;
  importLanding: LivePhase & {
    /** How long the import took to commit. */
    importSeconds: number;
    /** The least time the site's budget allows for the calls made (null without a limit). */
    budgetSeconds: number | null;
    /** "Update Learner In Smart Assessor" requested as the drain starts, from its request to its run's end. */
    updateLearnerSeconds: number | null;
  };
}

/** Connections that edit the MIS beside each other, as a busy provider's programs would. */
const EDITORS = 4;

interface EligibleLearner {
  id: number;
  ident: string;
  saLearnerId: string;
  email: string | null;
}

async function eligibleLearners(db: DataSource, today: string): Promise<EligibleLearner[]> {
  return db.query(`SELECT l.id, l.learner_ident AS ident, l.smart_assessor_id AS "saLearnerId", l.email FROM learner l WHERE ${ELIGIBLE_LEARNER_SQL} ORDER BY l.id`, [
    eligibilityCutoff(today),
  ]);
}

/** Waits until every edited learner's last email is in Smart Assessor; gives up when no write has come for the bench's stuck time. */
async function drained(recorder: WriteRecorder, edits: readonly EmailEdit[]): Promise<number> {
  await waitUntil(
    'every edit in Smart Assessor',
    async () => allDelivered(edits, recorder.writes),
    100,
    () => Date.now() - (recorder.writes.at(-1)?.at ?? edits[0].at),
  );
  return recorder.writes.at(-1)?.at ?? Date.now();
}

async function phaseResult(simulator: Parameters<typeof control>[0], recorder: WriteRecorder, edits: EmailEdit[], firstEmails: Map<string, string | null>): Promise<LivePhase> {
  const lastWrite = await drained(recorder, edits);
  const counters = await control<SimulatorCounters>(simulator, 'GET', 'counters');
  return {
    delivery: liveDelivery(edits, recorder.writes, firstEmails),
    learners: new Set(edits.map((edit) => edit.saLearnerId)).size,
    seconds: (lastWrite - Math.min(...edits.map((edit) => edit.at))) / 1000,
    smartAssessorCalls: counters.requests,
    rateLimited429s: counters.byStatus['429'] ?? 0,
  };
}

/** Email edits at `perSecond` for `seconds`, on EDITORS connections of their own; each timed at its commit. */
async function steadyEdits(config: Config, learners: readonly EligibleLearner[], options: LiveBenchOptions): Promise<EmailEdit[]> {
  const editors = await Promise.all(
    Array.from({ length: EDITORS }, async () => {
      const client = new pg.Client({ connectionString: benchDatabaseUrl(config), application_name: 'live-bench-editor' });
      await client.connect();
      return client;
    }),
  );
  const random = new Random(options.seed, 20);
  const edits: EmailEdit[] = [];
  const lanes = editors.map(() => Promise.resolve());
  const started = performance.now();
  try {
    const total = Math.round(options.editsPerSecond * options.editSeconds);
    for (let index = 0; index < total; index += 1) {
      const due = started + (index * 1000) / options.editsPerSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const learner = random.pick(learners);
      const email = `live-${index + 1}@bench.example`;
      const lane = index % editors.length;
      lanes[lane] = lanes[lane].then(async () => {
        await editors[lane].query(`UPDATE learner SET email = $1 WHERE id = $2`, [email, learner.id]);
        edits.push({ at: Date.now(), saLearnerId: learner.saLearnerId, email });
      });
    }
    await Promise.all(lanes);
  } finally {
    await Promise.all(editors.map((client) => client.end()));
  }
  return edits;
}

/** Every learner's email changed by one import of the provider's document; answers the edits of the eligible ones, timed at the commit. */
async function importLanding(db: DataSource, options: LiveBenchOptions, today: string, learners: readonly EligibleLearner[]): Promise<{ edits: EmailEdit[]; seconds: number }> {
  const document = generateDemoProvider({ learners: options.learners, seed: options.seed, today });
  const emailOf = (ident: string) => `import-${ident.toLowerCase()}@bench.example`;
  const started = performance.now();
  await importDocument(db, { learners: (document.learners ?? []).map((learner) => ({ ...learner, email: emailOf(learner.learnerIdent) })) });
  const at = Date.now();
  return { edits: learners.map((learner) => ({ at, saLearnerId: learner.saLearnerId, email: emailOf(learner.ident) })), seconds: (performance.now() - started) / 1000 };
}

/** Times "Update Learner In Smart Assessor" for `ident` from its request to its run's end. */
async function timeUpdateLearner(db: DataSource, producers: Producers, ident: string): Promise<number> {
  const started = performance.now();
  const { runId } = await requestLearnerSync(db, producers, ident);
  await waitUntil(
    `Update Learner of ${ident}`,
    async () => (await db.query(`SELECT state FROM sync_run WHERE id = $1`, [runId]))[0].state !== 'running',
    100,
    () => performance.now() - started,
  );
  return (performance.now() - started) / 1000;
}

export async function runLiveBench(config: Config, options: LiveBenchOptions, print: (line: string) => void): Promise<LiveBenchResult> {
  const setupStarted = performance.now();
  const { databaseUrl, prefix, encryptionKey, today, env } = benchPlace(config);
  const redis = connectRedis(producerConnection(config.REDIS_URL));
  const producers = createProducers({ connection: workerConnection(config.REDIS_URL), prefix });
  const children: BenchChild[] = [];
  let db: DataSource | undefined;
  let stopSimulator: (() => Promise<void>) | undefined;
  let recorder: WriteRecorder | undefined;
  try {
    print(`Preparing ${options.learners.toLocaleString('en-GB')} enrolled learners for live sync (database sai_bench, queue prefix ${prefix})...`);
    await dropDatabase(databaseUrl);
    await ensureDatabaseExists(databaseUrl);
    db = await openDatabase({ url: databaseUrl, poolSize: 4, applicationName: 'sai-bench' });
    const port = await freePort();
    const simulatorFlags = ['--seed', String(options.seed), '--today', today, '--rate-limit', String(options.rateLimitPerMinute ?? NO_LIMIT_PER_MINUTE)];
    const simulator = await startSimulatorChild(port, options.latencyMs > 0 ? [...simulatorFlags, '--latency-ms', String(options.latencyMs)] : simulatorFlags, env);
    stopSimulator = () => simulator.stop();
    recorder = await startWriteRecorder({ host: '127.0.0.1', port });
    // The pipeline talks to Smart Assessor through the recorder.
    const world: BenchWorld = { config, options, db, simulator: { ...simulator, baseUrl: recorder.baseUrl }, env, prefix, print };
    const enrolled = await prepareProvider(world, encryptionKey, today);
    await new SettingsService(db, new SecretBox(parseEncryptionKey(encryptionKey))).update({ liveSync: true });
    const learners = await eligibleLearners(db, today);
    children.push(await startBenchChild({ role: 'scheduler', concurrency: 1 }, env));
    for (let index = 0; index < options.workerProcesses; index += 1) children.push(await startBenchChild({ role: 'workers', concurrency: options.concurrency }, env));
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    print(`  ready in ${setupSeconds.toFixed(1)} s: ${enrolled.toLocaleString('en-GB')} enrolled, ${learners.length.toLocaleString('en-GB')} in the daily run; Live Sync on`);
    const firstEmails = () => new Map(learners.map((learner) => [learner.saLearnerId, learner.email]));

    let steady: LivePhase | null = null;
    if (options.editsPerSecond > 0 && options.editSeconds > 0) {
      print(`Steady edits: ${options.editsPerSecond} a second for ${options.editSeconds} s...`);
      await control(simulator, 'DELETE', 'counters');
      const edits = await steadyEdits(config, learners, options);
      steady = await phaseResult(simulator, recorder, edits, firstEmails());
    }

    print(`An import of all ${options.learners.toLocaleString('en-GB')} learners, each with a new email, landing...`);
    const before = heldEmails(recorder, learners);
    await control(simulator, 'DELETE', 'counters');
    recorder.writes.length = 0;
    const landed = await importLanding(db, options, today, learners);
    // Asked for once the live backlog is being worked: it must not wait behind it.
    const updateLearner =
      learners.length > 0
        ? waitUntil(
            'the first live write',
            async () => recorder!.writes.length > 0,
            20,
            () => Date.now() - landed.edits[0].at,
          ).then(() => timeUpdateLearner(db!, producers, learners[learners.length - 1].ident))
        : Promise.resolve(null);
    const phase = await phaseResult(simulator, recorder, landed.edits, before);
    const perMinute = options.rateLimitPerMinute;
    return {
      options,
      setupSeconds,
      enrolled,
      steady,
      importLanding: {
        ...phase,
        importSeconds: landed.seconds,
        budgetSeconds: perMinute === null ? null : phase.smartAssessorCalls / ((perMinute * DEFAULT_BUDGET_SHARE) / 60),
        updateLearnerSeconds: await updateLearner,
      },
    };
  } finally {
    for (const child of children) child.kill();
    await recorder?.close();
    await stopSimulator?.();
    const runs = db ? ((await db.query(`SELECT id FROM sync_run`).catch(() => [])) as Array<{ id: string }>) : [];
    await db?.destroy();
    await producers.close();
    await removeKeys(redis, `${prefix}:*`).catch(() => undefined);
    for (const { id } of runs) for (const part of ['learner', 'courses'] as const) await removeKeys(redis, snapshotKey(id, '*', part)).catch(() => undefined);
    redis.disconnect();
  }
}

/** The email Smart Assessor holds for each learner after the steady phase: its last write's, or the one it had. */
function heldEmails(recorder: WriteRecorder, learners: readonly EligibleLearner[]): Map<string, string | null> {
  const held = new Map(learners.map((learner) => [learner.saLearnerId, learner.email]));
  for (const write of recorder.writes) if (held.has(write.saLearnerId)) held.set(write.saLearnerId, write.email);
  return held;
}
