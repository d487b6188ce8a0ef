/** A whole-provider run is queued or running; a second one would only repeat its work (the API answers 409). */
export class ActiveRunError extends Error {
  constructor(readonly activeRunId: string | null) {
    super(activeRunId ? `Run ${activeRunId} is still in progress` : 'Another run is still in progress');
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
