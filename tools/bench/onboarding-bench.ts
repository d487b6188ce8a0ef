import type { DataSource } from 'typeorm';
import { connectRedis, producerConnection, workerConnection } from '../../queues/connection.js';
import { createOnboardingQueue } from '../../queues/onboarding.js';
import type { Config } from '../../src/config/environment.js';
import { dropDatabase, ensureDatabaseExists, openDatabase } from '../../src/db/data-source.js';
import { generateDemoProvider } from '../demo/generate.js';
import { refreshQualificationLinks } from '../../src/enrolment/qualification-links.js';
import { importDocument } from '../../src/import/import-document.js';
import { acceptProposals } from '../../src/onboarding/accept.js';
import { batchView, requestBulkEnrolment } from '../../src/onboarding/enrolment-batches.js';
import { startMatch } from '../../src/onboarding/matches.js';
import { SecretBox, parseEncryptionKey } from '../../src/settings/secret-box.js';
import { SettingsService } from '../../src/settings/settings-service.js';
import type { SimulatorCounters } from '../simulator/store.js';
import { createSmartAssessorClient } from '../../src/smart-assessor/client.js';
import { control, startBenchChild, startSimulatorChild, type BenchChild, type SimulatorChild } from './child-processes.js';
import { existingRecordsOf } from './existing-records.js';
import { peakMemoryBytes } from './metrics.js';
import { freePort } from './ports.js';
import { benchPlace, removeKeys, seedRemote, since, waitUntil } from './run-bench.js';

export interface OnboardingBenchOptions {
  /** MIS learners, every one unlinked; 9 in 10 are in Smart Assessor already (existing-records.ts). */
  learners: number;
  latencyMs: number;
  /** The site's requests per minute: the budget the match and the bulk enrolment share. */
  rateLimitPerMinute: number;
  workerProcesses: number;
  concurrency: number;
  seed: number;
}

export interface OnboardingBenchResult {
  options: OnboardingBenchOptions;
  setupSeconds: number;
  match: {
    seconds: number;
    smartAssessorCalls: number;
    byOperation: Record<string, number>;
    pages: number;
    smartAssessorRecords: { learners: number; employers: number; assessors: number };
    proposals: Array<{ kind: string; basis: string; proposals: number; unique: number }>;
    unmatched: { learners: number; organisations: number; officers: number };
  };
  accept: { seconds: number; linked: number; skipped: number };
  enrolment: {
    seconds: number;
    learners: number;
    enrolled: number;
    failed: number;
    smartAssessorCalls: number;
    rateLimited429s: number;
    created: { employers: number; assessors: number; learners: number };
  };
  memory: Array<{ name: string; peakBytes: number | null }>;
}

/** Waits that find nothing moving for this long say so rather than wait forever. */
const POLL_MS = 100;

/**
 * `sai bench --onboarding`: a generated provider of N learners, none linked, whose site
 * already holds most of them (existing-records.ts). Timed one after another, through the
 * product's worker processes (the onboarding worker beside the enrolment queue's) against
 * a simulator in its own process with the site's rate limit: the match (its Smart
 * Assessor calls and seconds), accepting every unique proposal, then the bulk enrolment
 * of every Live, in-learning learner left (learners per minute under the budget, at the
 * product's pace).
 */
export async function runOnboardingBench(config: Config, options: OnboardingBenchOptions, print: (line: string) => void): Promise<OnboardingBenchResult> {
  const setupStarted = performance.now();
  const { databaseUrl, prefix, encryptionKey, today, env } = benchPlace(config, 'bench-onboarding');

  const redis = connectRedis(producerConnection(config.REDIS_URL));
  const queue = createOnboardingQueue({ connection: workerConnection(config.REDIS_URL), prefix });
  const children: BenchChild[] = [];
  let db: DataSource | undefined;
  let simulator: SimulatorChild | undefined;
  try {
    print(`Preparing ${options.learners.toLocaleString('en-GB')} unlinked learners and their existing Smart Assessor records (database sai_bench, queue prefix ${prefix})...`);
    await dropDatabase(databaseUrl);
    await ensureDatabaseExists(databaseUrl);
    db = await openDatabase({ url: databaseUrl, poolSize: 4, applicationName: 'sai-bench' });
    const flags = ['--seed', String(options.seed), '--today', today, '--rate-limit', String(options.rateLimitPerMinute)];
    if (options.latencyMs > 0) flags.push('--latency-ms', String(options.latencyMs));
    simulator = await startSimulatorChild(await freePort(), flags, env);
    const connection = { baseUrl: simulator.baseUrl, username: config.SIMULATOR_USERNAME, password: config.SIMULATOR_PASSWORD, clientKey: config.SIMULATOR_CLIENT_KEY };
    const settings = new SettingsService(db, new SecretBox(parseEncryptionKey(encryptionKey)));
    const document = generateDemoProvider({ learners: options.learners, seed: options.seed, today });
    await importDocument(db, document, { settings });
    await settings.update(connection);
    const client = createSmartAssessorClient({ ...connection, requestsPerMinute: options.rateLimitPerMinute });
    await refreshQualificationLinks(db, client).finally(() => client.close());
    await seedRemote(simulator, existingRecordsOf(document));
    for (let index = 0; index < options.workerProcesses; index += 1) children.push(await startBenchChild({ role: 'workers', concurrency: options.concurrency }, env));
    const setupSeconds = since(setupStarted);
    const stats = () => control<{ employers: number; assessors: number; learners: number }>(simulator!, 'GET', 'state');
    print(`  ready in ${setupSeconds.toFixed(1)} s`);

    print('Matching...');
    await control(simulator, 'DELETE', 'counters');
    const matchStarted = performance.now();
    const { matchId } = await startMatch(db, queue);
    let lastPages = -1;
    let movedAt = Date.now();
    await waitUntil(
      `match ${matchId} to be ready`,
      async () => {
        const [row] = (await db!.query(`SELECT state, pages_read, error FROM onboarding_match WHERE id = $1`, [matchId])) as Array<{
          state: string;
          pages_read: number;
          error: string | null;
        }>;
        if (row.state === 'failed') throw new Error(`The match failed: ${row.error}`);
        if (row.pages_read !== lastPages) movedAt = Date.now();
        lastPages = row.pages_read;
        return row.state === 'ready';
      },
      POLL_MS,
      () => Date.now() - movedAt,
    );
    const matchSeconds = since(matchStarted);
    const matchCounters = await control<SimulatorCounters>(simulator, 'GET', 'counters');
    const [matchRow] = (await db.query(`SELECT pages_read, smart_assessor_records, unmatched FROM onboarding_match WHERE id = $1`, [matchId])) as Array<{
      pages_read: number;
      smart_assessor_records: OnboardingBenchResult['match']['smartAssessorRecords'];
      unmatched: OnboardingBenchResult['match']['unmatched'];
    }>;
    const proposals = (await db.query(
      `SELECT kind, basis, count(*)::int AS proposals, count(*) FILTER (WHERE is_unique)::int AS "unique" FROM onboarding_proposal WHERE match_id = $1 GROUP BY kind, basis ORDER BY min(id)`,
      [matchId],
    )) as OnboardingBenchResult['match']['proposals'];

    print('Accepting every unique proposal...');
    const acceptStarted = performance.now();
    const accepted = await acceptProposals(db, matchId, { allUnique: true });
    const acceptSeconds = since(acceptStarted);

    print('Enrolling the rest in bulk...');
    await control(simulator, 'DELETE', 'counters');
    const before = await stats();
    const enrolStarted = performance.now();
    const { batchId, learners } = await requestBulkEnrolment(db, queue, { allUnenrolled: true });
    let lastDone = -1;
    movedAt = Date.now();
    await waitUntil(
      `bulk enrolment ${batchId} to finish`,
      async () => {
        const view = await batchView(db!, batchId);
        if (view.enrolled + view.failed !== lastDone) movedAt = Date.now();
        lastDone = view.enrolled + view.failed;
        return view.state === 'finished';
      },
      POLL_MS * 5,
      () => Date.now() - movedAt,
    );
    const enrolSeconds = since(enrolStarted);
    const batch = await batchView(db, batchId);
    const enrolCounters = await control<SimulatorCounters>(simulator, 'GET', 'counters');
    const after = await stats();
    const simulatorPeakBytes = peakMemoryBytes(simulator.process.pid!);
    const reports = [];
    for (const child of children.splice(0)) reports.push(await child.stop());

    return {
      options,
      setupSeconds,
      match: {
        seconds: matchSeconds,
        smartAssessorCalls: matchCounters.requests,
        byOperation: matchCounters.byOperation,
        pages: matchRow.pages_read,
        smartAssessorRecords: matchRow.smart_assessor_records,
        proposals,
        unmatched: matchRow.unmatched,
      },
      accept: { seconds: acceptSeconds, linked: accepted.linked, skipped: accepted.skipped.length },
      enrolment: {
        seconds: enrolSeconds,
        learners,
        enrolled: batch.enrolled,
        failed: batch.failed,
        smartAssessorCalls: enrolCounters.requests,
        rateLimited429s: enrolCounters.byStatus['429'] ?? 0,
        created: { employers: after.employers - before.employers, assessors: after.assessors - before.assessors, learners: after.learners - before.learners },
      },
      memory: [...reports.map((report, index) => ({ name: `worker ${index + 1}`, peakBytes: report.peakMemoryBytes })), { name: 'simulator', peakBytes: simulatorPeakBytes }],
    };
  } finally {
    for (const child of children) child.kill();
    await queue.close();
    await simulator?.stop();
    await db?.destroy();
    await removeKeys(redis, `${prefix}:*`).catch(() => undefined);
    redis.disconnect();
  }
}

const whole = (value: number): string => Math.round(value).toLocaleString('en-GB');
const fixed = (value: number, digits = 1): string => value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The onboarding figures as a person reads them. */
export function formatOnboardingBenchResult(result: OnboardingBenchResult): string {
  const { options, match, accept, enrolment } = result;
  const perMinute = enrolment.enrolled / (enrolment.seconds / 60);
  const callsPerMinute = enrolment.smartAssessorCalls / (enrolment.seconds / 60);
  const rows: Array<[string, string]> = [
    [
      'match: Smart Assessor read',
      `${whole(match.smartAssessorRecords.learners)} learners, ${whole(match.smartAssessorRecords.employers)} employers, ${whole(match.smartAssessorRecords.assessors)} assessors in ${whole(match.pages)} pages`,
    ],
    [
      'match: Smart Assessor calls',
      `${whole(match.smartAssessorCalls)} (${Object.entries(match.byOperation)
        .map(([operation, calls]) => `${operation} ${whole(calls)}`)
        .join(', ')})`,
    ],
    ['match: time', `${fixed(match.seconds, 2)} s for ${whole(options.learners)} MIS learners, from the request to the proposals stored`],
    ['match: proposals', match.proposals.map((row) => `${row.kind} ${row.basis} ${whole(row.proposals)} (${whole(row.unique)} unique)`).join(', ')],
    ['match: unmatched', `${whole(match.unmatched.learners)} learners, ${whole(match.unmatched.organisations)} organisations, ${whole(match.unmatched.officers)} officers`],
    ['accept every unique', `${whole(accept.linked)} linked (${whole(accept.skipped)} skipped) in ${fixed(accept.seconds, 2)} s`],
    [
      'bulk enrolment',
      `${whole(enrolment.learners)} learners: ${whole(enrolment.enrolled)} enrolled, ${whole(enrolment.failed)} failed (invalid data) in ${fixed(enrolment.seconds)} s`,
    ],
    ['  learners per minute', `${fixed(perMinute)} enrolled under a ${whole(options.rateLimitPerMinute)}/min budget`],
    [
      '  Smart Assessor calls',
      `${fixed(enrolment.smartAssessorCalls / Math.max(1, enrolment.enrolled + enrolment.failed), 2)} per learner (${whole(enrolment.smartAssessorCalls)}; ${fixed(callsPerMinute)} a minute = ${fixed((callsPerMinute / options.rateLimitPerMinute) * 100)}% of the limit; ${whole(enrolment.rateLimited429s)} answered 429)`,
    ],
    [
      '  created in Smart Assessor',
      `${whole(enrolment.created.learners)} learners, ${whole(enrolment.created.employers)} employers, ${whole(enrolment.created.assessors)} assessors`,
    ],
    ['peak memory', result.memory.map((process) => `${process.name} ${process.peakBytes === null ? 'n/a' : `${whole(process.peakBytes / 2 ** 20)} MB`}`).join(', ')],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const setting = [
    `${whole(options.learners)} learners`,
    options.latencyMs > 0 ? `${options.latencyMs} ms added latency` : 'no added latency',
    `rate limit ${whole(options.rateLimitPerMinute)}/min`,
    `${options.workerProcesses} worker process${options.workerProcesses === 1 ? '' : 'es'} × ${options.concurrency} jobs per queue`,
    `seed ${options.seed}`,
  ].join(', ');
  return [`Onboarding benchmark: ${setting} (set-up ${fixed(result.setupSeconds)} s)`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n');
}
