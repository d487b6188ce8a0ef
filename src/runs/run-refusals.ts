/** A whole-provider run (or dry run) is queued or running; a second one would only repeat its work (the API answers 409). */
export class ActiveRunError extends Error {
  constructor(
    readonly activeRunId: string | null,
    readonly dryRun = false,
  ) {
    const which = dryRun ? 'Dry run' : 'Run';
    super(activeRunId ? `${which} ${activeRunId} is still in progress` : `Another ${which.toLowerCase()} is still in progress`);
    this.name = 'ActiveRunError';
  }
}

/** "Update Learner In Smart Assessor" needs a learner Smart Assessor knows (the API answers 409). */
export class NotEnrolledError extends Error {
  constructor(readonly learnerIdent: string) {
    super(`Learner ${learnerIdent} is not enrolled in Smart Assessor (no Smart Assessor ID)`);
    this.name = 'NotEnrolledError';
  }
}

export class LearnerNotFoundError extends Error {
  constructor(readonly learnerIdent: string) {
    super(`There is no learner ${learnerIdent}`);
    this.name = 'LearnerNotFoundError';
  }
}
