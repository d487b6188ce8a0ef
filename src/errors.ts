/** One thing wrong with one field of one record, in words an admin can act on. */
export interface FieldProblem {
  /** e.g. "learner L000123", "organisation ORG7", "learners[3].uln" */
  record: string;
  field: string;
  value?: unknown;
  reason: string;
}

export function describeProblem(problem: FieldProblem): string {
  const shown = problem.value === undefined ? '' : ` "${String(problem.value)}"`;
  return `${problem.record}: ${problem.field}${shown} ${problem.reason}`;
}

/**
 * MIS data that must not be sent (or an import that must not be written). A job that
 * meets it fails at once, without retry: trying again cannot fix the data.
 */
export class InvalidDataError extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map(describeProblem).join('; '));
    this.name = 'InvalidDataError';
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
