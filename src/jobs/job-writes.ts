import type { SmartAssessorApi } from '../smart-assessor/types.js';

/**
 * Every operation of the Smart Assessor API, as a read or a write. An operation added to
 * the API does not compile until it is placed here, so no write can pass the gate unseen.
 */
const OPERATIONS = {
  getSite: 'read',
  listCourses: 'read',
  listEmployers: 'read',
  getEmployer: 'read',
  ensureEmployer: 'write',
  updateEmployer: 'write',
  listAssessors: 'read',
  getAssessor: 'read',
  ensureAssessor: 'write',
  updateAssessor: 'write',
  listLearners: 'read',
  getLearner: 'read',
  ensureLearner: 'write',
  updateLearner: 'write',
  listLearnerCourses: 'read',
  ensureLearnerCourse: 'write',
  updateLearnerCourse: 'write',
  listLearnerSessions: 'read',
  getLearnerOtj: 'read',
  setLearnerPlannedOtj: 'write',
} as const satisfies Record<keyof SmartAssessorApi, 'read' | 'write'>;

type Operation = keyof typeof OPERATIONS;
export type WriteOperation = { [K in Operation]: (typeof OPERATIONS)[K] extends 'write' ? K : never }[Operation];

/** One write a job asks of Smart Assessor: the operation and what it was called with. */
export type SmartAssessorWrite = { [K in WriteOperation]: { operation: K; args: Parameters<SmartAssessorApi[K]> } }[WriteOperation];

/**
 * Where a job's Smart Assessor writes go: the runner's, the one place every create and
 * update of a job passes. It decides what happens to each (workers/job-attempt.ts sends
 * it, and learns what Smart Assessor answered), so the processors hold the rules and the
 * runner the effects. A step that needs Smart Assessor's answer to go on (create an
 * employer, then move the learner to it) gets it from here as it would from the client:
 * whatever the gate answers for the create is what the next write names.
 */
export interface JobWrites {
  /** Answers what the job is to take as Smart Assessor's answer; `send` sends the write. */
  write<T>(write: SmartAssessorWrite, send: () => Promise<T>): Promise<T>;
}

type Call = (...args: unknown[]) => Promise<unknown>;

/** `client` with each operation replaced by what `wrap` makes of it. */
function wrapOperations(client: SmartAssessorApi, wrap: (operation: Operation, kind: 'read' | 'write', call: Call) => Call): SmartAssessorApi {
  const wrapped: Record<string, unknown> = {};
  for (const [operation, kind] of Object.entries(OPERATIONS) as Array<[Operation, 'read' | 'write']>) {
    wrapped[operation] = wrap(operation, kind, (client[operation] as Call).bind(client));
  }
  return wrapped as unknown as SmartAssessorApi;
}

/** `client` with its writes passed through `writes`; its reads go straight to it. */
export function writingThrough(client: SmartAssessorApi, writes: JobWrites): SmartAssessorApi {
  return wrapOperations(client, (operation, kind, call) =>
    kind === 'read' ? call : (...args: unknown[]) => writes.write({ operation, args } as SmartAssessorWrite, () => call(...args)),
  );
}

/** `client`, telling `counted` of each call made to it (a sync preview says how many it made). */
export function countingCalls(client: SmartAssessorApi, counted: (operation: Operation) => void): SmartAssessorApi {
  return wrapOperations(client, (operation, _kind, call) => (...args: unknown[]) => {
    counted(operation);
    return call(...args);
  });
}
