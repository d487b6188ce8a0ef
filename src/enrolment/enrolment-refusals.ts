/** The learner already has a Smart Assessor ID: enrolment is sent once (the admin API answers 409). */
export class AlreadyEnrolledError extends Error {
  constructor(
    readonly learnerIdent: string,
    readonly smartAssessorId: string,
  ) {
    super(`Learner ${learnerIdent} is already enrolled in Smart Assessor (Smart Assessor ID ${smartAssessorId})`);
    this.name = 'AlreadyEnrolledError';
  }
}

/** No organisation or officer with that ref (the admin API answers 404). */
export class RecordNotFoundError extends Error {
  constructor(
    readonly recordType: 'organisation' | 'officer',
    readonly ref: string,
  ) {
    super(`There is no ${recordType} ${ref}`);
    this.name = 'RecordNotFoundError';
  }
}
