import type { PicsOrganisation } from './records.js';

/** SPEC.md §4 organisations row: moving the SA learner to their current placement organisation. */

export type EmployerMoveDecision<O extends PicsOrganisation = PicsOrganisation> =
  /** Nothing to do: the setting is off, there is no placement, or SA already has the right employer. */
  | { action: 'none'; reason: 'setting-off' | 'no-placement' | 'already-linked' }
  /** The organisation is known to SA: move the SA learner to `employerId`. */
  | { action: 'link'; employerId: string }
  /** Create the SA employer from the organisation (as at enrolment), save its id as the Additional ID, then move the learner. */
  | { action: 'create-and-link'; organisation: O };

export interface EmployerMoveInput<O extends PicsOrganisation> {
  pushChangesToLearnerEmployer: boolean;
  placementOrganisation: O | null | undefined;
  /** The SA learner's current `employerId`. */
  saLearnerEmployerId: string | null | undefined;
}

export function employerMoveDecision<O extends PicsOrganisation>(input: EmployerMoveInput<O>): EmployerMoveDecision<O> {
  if (!input.pushChangesToLearnerEmployer) return { action: 'none', reason: 'setting-off' };
  const organisation = input.placementOrganisation;
  if (!organisation) return { action: 'none', reason: 'no-placement' };
  const employerId = organisation.additionalId?.trim();
  if (!employerId) return { action: 'create-and-link', organisation };
  if (employerId === (input.saLearnerEmployerId ?? '').trim()) return { action: 'none', reason: 'already-linked' };
  return { action: 'link', employerId };
}
