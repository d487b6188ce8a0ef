import type { DataSource } from 'typeorm';
import { normaliseQualificationReference } from '../../src/sync/normalise.js';
import { generateDemoProvider } from '../demo/generate.js';
import { importDocument, type ImportDocument, type ImportLearner, type ImportOfficer, type ImportOrganisation } from '../../src/import/import-document.js';
import type { SettingsPatch } from '../../src/settings/settings-patch.js';
import type { SettingsService, SmartAssessorConnection } from '../../src/settings/settings-service.js';
import type { SeedAssessor, SeedDocument, SeedEmployer, SeedLearner } from '../simulator/seed.js';
import { assessorCreateBody, employerCreateBody, learnerCreateBody, validateEnrolment } from '../../src/sync/index.js';

/**
 * A generated provider, imported into the MIS and "enrolled" in the simulator without
 * running enrolment over HTTP: the employers, assessors, learners and learner courses
 * that enrolment would have created are seeded straight into the simulator's store,
 * and their ids written into PostgreSQL with a handful of set-based statements, so a
 * provider of 100,000 learners is ready in the time the import takes. The tests (with a
 * simulator in their own process) and the benchmark (with one in a process of its own)
 * share it.
 *
 * Smart Assessor holds what enrolment sent (SPEC.md §3) and nothing since: courses
 * awaiting induction or in training, no end dates, no progress, no sessions, no OTJ
 * hours logged. The MIS holds the generated provider's present, so the first daily run
 * has real work (statuses, breaks, restarts, withdrawals, completions to send).
 * Restart aims (made after a break, after enrolment) are left unlinked: the daily status
 * job hands them the course of the aim they restart. Learners that enrolment would
 * refuse (e.g. no email) stay unenrolled.
 */

/** The Smart Assessor ids the fixture gives each record: fixed, so a test can name them. */
export const saEmployerId = (organisationRef: string): string => `emp-${organisationRef}`;
export const saAssessorId = (officerRef: string): string => `asr-${officerRef}`;
export const saLearnerId = (learnerIdent: string): string => `lrn-${learnerIdent}`;
export const saLearnerCourseId = (aimRef: string): string => `lc-${aimRef}`;

export interface ProviderEnrolmentOptions {
  db: DataSource;
  /** Receives the demo settings, `connection` and `settings`. */
  settingsService: SettingsService;
  /** The Smart Assessor site the integration is pointed at. */
  connection: SmartAssessorConnection;
  /** The site's course catalogue. */
  courses: Iterable<{ id: string; qanCode: string; active: boolean }>;
  /** Puts what enrolment would have created into the site (the simulator's seeding). */
  seedSmartAssessor(document: SeedDocument): Promise<void>;
  learners: number;
  seed?: number;
  /** The provider's "today" (YYYY-MM-DD). */
  today: string;
  /** Applied after the demo settings, before enrolling (e.g. Update Learner Gender, which enrolment honours). */
  settings?: SettingsPatch;
}

export interface EnrolledProvider {
  document: ImportDocument;
  /** Learner Idents with a Smart Assessor ID. */
  enrolled: string[];
  /** Learner Idents enrolment would refuse. */
  notEnrolled: string[];
  /** Aim refs linked to an SA learner course. */
  linkedAims: string[];
}

export async function enrolGeneratedProvider(options: ProviderEnrolmentOptions): Promise<EnrolledProvider> {
  const { db, settingsService, today } = options;
  const document = generateDemoProvider({ learners: options.learners, seed: options.seed ?? 1, today });
  await importDocument(db, document, { settings: settingsService });
  await settingsService.update({ ...options.connection, ...options.settings });
  const settings = await settingsService.get();

  const byQanCode = new Map<string, { id: string; active: boolean }>();
  for (const course of options.courses) byQanCode.set(course.qanCode, course);
  const courseOf = new Map<string, string>();
  for (const qualification of document.qualifications ?? []) {
    const course = byQanCode.get(normaliseQualificationReference(qualification.reference));
    if (course?.active) courseOf.set(qualification.reference, course.id);
  }
  const organisations = new Map((document.organisations ?? []).map((organisation) => [organisation.ref, organisation]));
  const officers = new Map((document.officers ?? []).map((officer) => [officer.ref, officer]));

  const employers = new Map<string, SeedEmployer>();
  const assessors = new Map<string, SeedAssessor>();
  const learners: SeedLearner[] = [];
  const enrolled: string[] = [];
  const notEnrolled: string[] = [];
  const linkedAims: string[] = [];
  const needAssessor = (officer: ImportOfficer) => {
    if (!assessors.has(officer.ref)) assessors.set(officer.ref, { ...assessorCreateBody(officer), id: saAssessorId(officer.ref) });
    return saAssessorId(officer.ref);
  };
  const needEmployer = (organisation: ImportOrganisation) => {
    if (!employers.has(organisation.ref)) employers.set(organisation.ref, { ...employerCreateBody(organisation), id: saEmployerId(organisation.ref) });
    return saEmployerId(organisation.ref);
  };

  for (const learner of document.learners ?? []) {
    const placement = learner.placementOrganisationRef ? organisations.get(learner.placementOrganisationRef) : undefined;
    const mainOfficer = learner.mainOfficerRef ? officers.get(learner.mainOfficerRef) : undefined;
    const secondRef = settings.secondAssessorRole ? learner.officerRoles?.find((role) => role.role === settings.secondAssessorRole)?.officerRef : undefined;
    const secondAssessor = secondRef && secondRef !== learner.mainOfficerRef ? officers.get(secondRef) : undefined;
    const aims = (learner.qualifications ?? []).filter((aim) => courseOf.has(aim.reference) && !aim.restartOf);
    const problems = validateEnrolment({ learner, placementOrganisation: placement, mainOfficer, secondAssessor, aims }, { today });
    if (problems.length > 0 || !placement || !mainOfficer) {
      notEnrolled.push(learner.learnerIdent);
      continue;
    }
    const assessorId = needAssessor(mainOfficer);
    const secondaryAssessorId = secondAssessor ? needAssessor(secondAssessor) : null;
    learners.push(seedLearner(learner, { employerId: needEmployer(placement), assessorId, secondaryAssessorId }, settings, courseOf, today));
    enrolled.push(learner.learnerIdent);
    linkedAims.push(...aims.map((aim) => aim.aimRef));
  }

  await options.seedSmartAssessor({ employers: [...employers.values()], assessors: [...assessors.values()], learners });

  const supported = [...courseOf];
  await db.transaction(async (manager) => {
    await manager.query(`UPDATE qualification q SET sa_course_id = v.course FROM unnest($1::varchar[], $2::varchar[]) AS v(reference, course) WHERE q.reference = v.reference`, [
      supported.map(([reference]) => reference),
      supported.map(([, course]) => course),
    ]);
    await manager.query(`UPDATE organisation SET additional_id = $2 || ref WHERE ref = ANY($1::varchar[])`, [[...employers.keys()], saEmployerId('')]);
    await manager.query(`UPDATE officer SET additional_id = $2 || ref WHERE ref = ANY($1::varchar[])`, [[...assessors.keys()], saAssessorId('')]);
    await manager.query(`UPDATE learner SET smart_assessor_id = $2 || learner_ident WHERE learner_ident = ANY($1::varchar[])`, [enrolled, saLearnerId('')]);
    await manager.query(`UPDATE learning_aim SET sa_learner_course_id = $2 || aim_ref WHERE aim_ref = ANY($1::varchar[])`, [linkedAims, saLearnerCourseId('')]);
  });
  return { document, enrolled, notEnrolled, linkedAims };
}

function seedLearner(
  learner: ImportLearner,
  links: { employerId: string; assessorId: string; secondaryAssessorId: string | null },
  settings: { setStudentIdToLrn: boolean; updateLearnerGender: boolean },
  courseOf: ReadonlyMap<string, string>,
  today: string,
): SeedLearner {
  const body = learnerCreateBody(learner, links, { ...settings, sendLearnerWelcomeEmail: false });
  return {
    ...body,
    id: saLearnerId(learner.learnerIdent),
    plannedOtjHours: learner.plannedOtjHours ?? null,
    courses: (learner.qualifications ?? [])
      .filter((aim) => courseOf.has(aim.reference) && !aim.restartOf)
      .map((aim) => ({
        id: saLearnerCourseId(aim.aimRef),
        courseId: courseOf.get(aim.reference)!,
        misReference: aim.aimRef,
        startDate: aim.startDate,
        plannedEndDate: aim.plannedEndDate,
        primaryAssessorId: links.assessorId,
        secondaryAssessorId: links.secondaryAssessorId,
        status: aim.startDate > today ? 'AwaitingInduction' : 'InTraining',
      })),
  };
}
