/** BullMQ worker settings a deployment (or a test, to be quick) may change. */
export interface WorkerTuning {
  /** How long a job's lock lasts without renewal; a worker that dies holds its jobs this long. */
  lockDuration?: number;
  stalledInterval?: number;
  maxStalledCount?: number;
  /** Seconds a worker waits for a job on an empty queue before looking again. */
  drainDelay?: number;
}

/**
 * The tuning as BullMQ worker options. Only the settings given are passed: BullMQ
 * spreads its options over its defaults, so a key present as undefined would wipe the
 * default out (and the worker refuses to start).
 */
export function workerTuningOptions(tuning: WorkerTuning): WorkerTuning {
  return Object.fromEntries(Object.entries(tuning).filter(([, value]) => value !== undefined)) as WorkerTuning;
}
