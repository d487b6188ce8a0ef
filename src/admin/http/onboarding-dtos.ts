import { ArrayMaxSize, ArrayNotEmpty, Equals, IsArray, IsDefined, ValidateIf } from 'class-validator';
import { ValidationFailedError } from '../../failure-kinds.js';

/** More than a large provider's records: a request past it is a mistake, not a provider. */
export const MAX_LISTED = 100_000;

/** POST /api/onboarding/matches/{matchId}/accept: `{"proposalIds":[…]}` or `{"allUnique":true}`. */
export class AcceptProposalsBody {
  @ValidateIf((body: AcceptProposalsBody) => body.allUnique === undefined)
  @IsDefined({ message: 'is required: the proposals to accept, or allUnique: true' })
  @IsArray({ message: 'must be a list of proposal ids' })
  @ArrayNotEmpty({ message: 'must name at least one proposal' })
  @ArrayMaxSize(MAX_LISTED, { message: `must name at most ${MAX_LISTED} proposals` })
  proposalIds?: unknown[];

  @ValidateIf((body: AcceptProposalsBody) => body.allUnique !== undefined)
  @Equals(true, { message: 'must be true (or send proposalIds instead)' })
  allUnique?: true;
}

/** POST /api/enrolments: `{"learnerIdents":[…]}` or `{"allUnenrolled":true}`. */
export class BulkEnrolmentBody {
  @ValidateIf((body: BulkEnrolmentBody) => body.allUnenrolled === undefined)
  @IsDefined({ message: 'is required: the Learner Idents to enrol, or allUnenrolled: true' })
  @IsArray({ message: 'must be a list of Learner Idents' })
  @ArrayNotEmpty({ message: 'must name at least one learner' })
  @ArrayMaxSize(MAX_LISTED, { message: `must name at most ${MAX_LISTED} learners` })
  learnerIdents?: unknown[];

  @ValidateIf((body: BulkEnrolmentBody) => body.allUnenrolled !== undefined)
  @Equals(true, { message: 'must be true (or send learnerIdents instead)' })
  allUnenrolled?: true;
}

/**
 * The list of a body that takes a list or a flag, each element checked (`field[3]` names
 * the one that is wrong); null when the flag was sent. Both at once are refused: which
 * one was meant is not for the server to guess.
 */
export function listOrFlag(body: Record<string, unknown>, field: string, flag: string, problem: (element: unknown) => string | null): string[] | null {
  if (body[field] !== undefined && body[flag] !== undefined) {
    throw new ValidationFailedError(`Send ${field} or ${flag}, not both`, { [flag]: `cannot be sent with ${field}` });
  }
  const list = body[field] as unknown[] | undefined;
  if (list === undefined) return null;
  const fields: Record<string, string> = {};
  list.forEach((element, index) => {
    const reason = problem(element);
    if (reason) fields[`${field}[${index}]`] = reason;
  });
  const problems = Object.entries(fields);
  if (problems.length > 0) {
    throw new ValidationFailedError(
      `Invalid ${problems
        .slice(0, 5)
        .map(([path, reason]) => `${path} (${reason})`)
        .join(', ')}${problems.length > 5 ? ` and ${problems.length - 5} more` : ''}`,
      fields,
    );
  }
  return list as string[];
}

export function proposalIdProblem(value: unknown): string | null {
  return typeof value === 'string' && /^[1-9]\d{0,17}$/.test(value) ? null : 'must be a proposal id (its digits, as text)';
}

export function learnerIdentProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return 'must be a Learner Ident (text)';
  return value.length > 64 ? 'must be at most 64 characters' : null;
}
