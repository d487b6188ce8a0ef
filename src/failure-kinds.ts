/** One thing wrong with one field of one record, in words an admin can act on. */
export interface FieldProblem {
  /** e.g. "learner L000123", "organisation ORG7", "learners[3].uln" */
  record: string;
  field: string;
  /** The offending value: personal data, shown only where an admin is logged in (SPEC.md §4). */
  value?: unknown;
  /** Why the value is wrong, without the value or any part of it, so it may go anywhere. */
  reason: string;
}

/** `learner L000123: uln fails the ULN check digit (mod 11)`: record, field and reason, never the value. */
export function describeProblem(problem: FieldProblem): string {
  return `${problem.record}: ${problem.field} ${problem.reason}`;
}

/** The same with the offending value quoted, for the admin's eyes only. */
export function describeProblemWithValue(problem: FieldProblem): string {
  if (problem.value === undefined) return describeProblem(problem);
  return `${problem.record}: ${problem.field} "${String(problem.value)}" ${problem.reason}`;
}

/**
 * A failure whose message is safe to log and to leave in Redis, and whose `adminDetail`
 * also holds the offending values: the runner keeps the detail only in PostgreSQL (the
 * job's sync event and the learner's last error), which an admin sees logged in.
 */
export interface FailureWithAdminDetail {
  message: string;
  adminDetail: string;
}

export function adminDetailOf(error: unknown): string | undefined {
  const detail = (error as Partial<FailureWithAdminDetail> | null)?.adminDetail;
  return error instanceof Error && typeof detail === 'string' ? detail : undefined;
}

/**
 * MIS data that must not be sent (or an import that must not be written). A job that
 * meets it fails at once, without retry: trying again cannot fix the data. The message
 * names each record, field and reason; only `adminDetail` quotes the values.
 */
export class InvalidDataError extends Error implements FailureWithAdminDetail {
  readonly adminDetail: string;

  constructor(readonly problems: FieldProblem[]) {
    super(problems.map(describeProblem).join('; '));
    this.name = 'InvalidDataError';
    this.adminDetail = problems.map(describeProblemWithValue).join('; ');
  }
}

/** The MIS is in a state the work cannot proceed from (e.g. an Additional ID Smart Assessor does not know). */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}

/**
 * A request or document refused as a whole, with each bad field's path and reason
 * (e.g. `{"learners[3].uln": "must be 10 digits"}`); the admin API answers it as 400
 * `validation_failed`. Nothing is written when it is thrown.
 */
export class ValidationFailedError extends Error {
  constructor(
    message: string,
    readonly fields: Record<string, string>,
  ) {
    super(message);
    this.name = 'ValidationFailedError';
  }
}

/**
 * A process cannot start, for a reason one line states with the fix (a service that does
 * not answer, a database missing its migrations). The command line prints the message
 * alone, without a stack trace, and exits non-zero.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
