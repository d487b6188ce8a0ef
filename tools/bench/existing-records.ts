import type { ImportDocument } from '../../src/import/import-document.js';
import type { SeedAssessor, SeedDocument, SeedEmployer, SeedLearner } from '../simulator/seed.js';

/**
 * What a provider switching the integration on already has in Smart Assessor, made from
 * its generated MIS (the onboarding benchmark's world, SPEC.md §6). Fixed by position, so
 * every run at a size is the same:
 * - learners: 3 in 10 made by an earlier integration (misReference = Learner Ident),
 *   3 in 10 by hand with the right ULN, 3 in 10 by hand with its last two digits swapped
 *   (found by name and date of birth), 1 in 10 not there (enrolled in bulk);
 * - employers: 7 in 10 there by hand, one in six of those without its EDRS number (found
 *   by name and postcode); the rest made by the bulk enrolment;
 * - assessors: 4 in 5 there by hand, the email in capitals; the rest made by it.
 */
export function existingRecordsOf(document: ImportDocument): SeedDocument {
  const employers: SeedEmployer[] = [];
  const employerIdOf = new Map<string, string>();
  (document.organisations ?? []).forEach((organisation, index) => {
    if (index % 10 >= 7) return;
    const id = `emp-hand-${index + 1}`;
    employerIdOf.set(organisation.ref, id);
    employers.push({
      id,
      misReference: null,
      name: organisation.name,
      edrsNumber: index % 6 === 0 ? null : (organisation.edrsNumber ?? null),
      postcode: organisation.postcode ?? null,
      phone: organisation.phone ?? null,
    });
  });
  const assessors: SeedAssessor[] = [];
  const assessorIdOf = new Map<string, string>();
  (document.officers ?? []).forEach((officer, index) => {
    if (index % 5 === 4 || !officer.email) return;
    const id = `asr-hand-${index + 1}`;
    assessorIdOf.set(officer.ref, id);
    assessors.push({ id, misReference: null, firstName: officer.firstName, surname: officer.surname, email: officer.email.toUpperCase() });
  });
  const anyEmployer = employers[0]?.id;
  const anyAssessor = assessors[0]?.id;
  if (!anyEmployer || !anyAssessor) throw new Error('The generated provider is too small to have an employer and an assessor in Smart Assessor');

  const learners: SeedLearner[] = [];
  (document.learners ?? []).forEach((learner, index) => {
    const share = index % 10;
    if (share === 0) return;
    const uln = learner.uln && /^[1-9]\d{9}$/.test(learner.uln) ? learner.uln : null;
    learners.push({
      id: `lrn-hand-${index + 1}`,
      misReference: share <= 3 ? learner.learnerIdent : null,
      firstName: learner.firstName,
      surname: learner.surname,
      dateOfBirth: learner.dateOfBirth ?? '2000-01-01',
      email: learner.email ?? `learner${index + 1}@example.org`,
      uln: share >= 7 && uln ? `${uln.slice(0, 8)}${uln[9]}${uln[8]}` : uln,
      employerId: (learner.placementOrganisationRef && employerIdOf.get(learner.placementOrganisationRef)) || anyEmployer,
      assessorId: (learner.mainOfficerRef && assessorIdOf.get(learner.mainOfficerRef)) || anyAssessor,
    });
  });
  return { employers, assessors, learners };
}
