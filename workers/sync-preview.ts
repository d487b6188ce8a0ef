import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { RedisClient } from '../queues/connection.js';
import type { RunSubject } from '../queues/producers.js';
import type { QueueJob, QueueName } from '../queues/definitions.js';
import type { LearnerSnapshotReads } from '../src/daily/learner-snapshot.js';
import type { JobContext, WorkerProcessDeps } from '../src/jobs/job-contract.js';
import { countingCalls } from '../src/jobs/job-writes.js';
import { previewFailures, type SyncPreview, type SyncPreviewer } from '../src/jobs/sync-preview.js';
import type { Logger } from '../src/logging/logger.js';
import { oneLearnerSync } from '../src/runs/learner-sync.js';
import { isSmartAssessorError } from '../src/smart-assessor/smart-assessor-error.js';
import type { SmartAssessorApi } from '../src/smart-assessor/types.js';
import { JobAttempt } from './job-attempt.js';
import { PROCESSOR_REGISTRATIONS, processorMap, type ProcessorMap } from './processors.js';

export interface SyncPreviewDeps {
  db: DataSource;
  redis: RedisClient;
  logger: Logger;
  /** The product's processors by default. */
  processors?: ProcessorMap;
}

/**
 * The learner's Smart Assessor records as the preview's jobs share them: read once each,
 * in memory, for the one request (nothing of the learner is left in Redis).
 */
function previewReads(): JobContext['learnerSnapshot'] {
  const kept = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    if (!kept.has(key)) kept.set(key, read());
    return kept.get(key) as Promise<T>;
  };
  return (saLearnerId): LearnerSnapshotReads => ({
    learner: (client) => once(`learner:${saLearnerId}`, () => client.getLearner(saLearnerId)),
    courses: (client) => once(`courses:${saLearnerId}`, () => client.listLearnerCourses(saLearnerId)),
  });
}

/**
 * "Preview next sync" (SPEC.md §6): the learner's jobs, as Update Learner would queue
 * them under the settings as they are now, each planned by its own processor through a
 * dry run's attempt (JobAttempt.preview): Smart Assessor is read, every write is only
 * recorded, nothing is committed. It answers within the request. Smart Assessor out of
 * reach (or refusing the credentials) fails the preview as a whole, for the admin API to
 * answer 503 (or 502); a job's own refusal (invalid data, a wrong link) is listed.
 */
export function syncPreviewer({ db, redis, logger, processors = processorMap(PROCESSOR_REGISTRATIONS) }: SyncPreviewDeps): SyncPreviewer {
  return async (learnerIdent, smartAssessor) => {
    const found = await oneLearnerSync(db, learnerIdent, 'A sync preview');
    const settings = { ...found.settings, dryRun: true as const };

    const preview: SyncPreview = { learnerIdent, changes: [], failures: [], smartAssessorCalls: 0, smartAssessorWritesHeld: 0 };
    let client: SmartAssessorApi | undefined;
    const counted = async () => (client ??= countingCalls(await smartAssessor(), () => (preview.smartAssessorCalls += 1)));
    // The jobs' payloads name a run; the preview's is its own, known to nothing else.
    const previewId = randomUUID();
    const log = logger.child({ preview: previewId, learnerIdent, dryRun: true });
    const processDeps: WorkerProcessDeps = {
      db,
      redis,
      logger: log,
      forJob: () => ({ db, redis, logger: log, settings: async () => settings, smartAssessor: counted }),
    };
    const reads = previewReads();
    const planned = <Q extends QueueName>(queue: Q, subject: RunSubject) => {
      const job = { name: subject.kind.name, data: subject.kind.payload(previewId, subject.id) } as QueueJob<Q>;
      const attempt = JobAttempt.preview({ queue, jobName: job.name, jobId: `preview.${previewId}`, runId: previewId, attempt: 1, log }, processDeps, reads);
      return { attempt, result: attempt.plan(processors[queue], job) };
    };
    for (const subject of found.subjects) {
      const queue = subject.kind.queue;
      const { attempt, result } = planned(queue, subject);
      try {
        const { changes, heldBack } = await result;
        preview.changes.push(...changes.map((change) => ({ queue, ...change })));
        if (heldBack) preview.failures.push(...previewFailures(queue, heldBack));
      } catch (error) {
        // Smart Assessor not answering, or refusing us: no preview can be made (the admin API answers 503 or 502).
        if (isSmartAssessorError(error) && (error.kind === 'transient' || error.kind === 'rate-limited' || error.kind === 'auth')) throw error;
        if (!(error instanceof Error)) throw error;
        preview.failures.push(...previewFailures(queue, error));
      } finally {
        preview.smartAssessorWritesHeld += attempt.recorded?.writes.length ?? 0;
      }
    }
    log.info('sync previewed', { changes: preview.changes.length, failures: preview.failures.length, smartAssessorCalls: preview.smartAssessorCalls });
    return preview;
  };
}
