import type { FieldProblem } from '../failure-kinds.js';
import { placeAims, secondAssessorOf, validateEnrolment, type IsoDate, type PicsAimEnrolment, type PicsLearner, type PicsOfficer, type PicsOrganisation } from '../sync/index.js';

/** An aim as the plan sees it (the in-step rules' aim), its link and restart held as the entity holds them. */
export interface PlanAim extends PicsAimEnrolment {
  saLearnerCourseId: string | null;
  restartOfId: number | null;
  qualification: { saCourseId: string | null };
}

export interface PlanRecords<A extends PlanAim, O extends PicsOfficer> {
  learner: PicsLearner & { plannedOtjHours?: number | null };
  placementOrganisation: PicsOrganisation | null;
  mainOfficer: O | null;
  secondAssessorRoleHolder: O | null;
  aims: readonly A[];
}

export interface EnrolmentPlan<A extends PlanAim, O extends PicsOfficer> {
  /** What Smart Assessor would refuse, field by field; enrolment sends nothing while there is any. */
  problems: FieldProblem[];
  /** Supported aims without an SA learner course yet, each with the SA course it is enrolled on. */
  aimsToEnrol: Array<{ aim: A; courseId: string }>;
  /**
   * Aims already on their SA course (an earlier attempt, or an admin's link), or a restart
   * aim whose restart chain already has one (the daily status sync hands that course on
   * to it): left alone.
   */
  aimsEnrolled: A[];
  /** Aims whose qualification has no SA course id: skipped and reported. */
  aimsUnsupported: A[];
  /**
   * Aims that another of the learner's aims restarts (`by`): skipped and reported. Only the
   * last aim of a restart chain is enrolled, as the daily status sync gives a chain's SA
   * course to its last aim; enrolling the others too would put a second learner course for
   * the same qualification in Smart Assessor.
   */
  aimsSuperseded: Array<{ aim: A; by: A }>;
  /** Each aim's SA learner course once the restart takeovers are made (null: none). */
  learnerCourses: ReadonlyMap<A, string | null>;
  /**
   * The secondary assessor of every course: the holder of the Qualification Second Assessor
   * Role, unless that is the Main Officer (already the primary assessor).
   */
  secondAssessor: O | null;
}

/** SPEC.md §3 decided from the MIS records alone: what will be sent, and what would be refused. */
export function planEnrolment<A extends PlanAim, O extends PicsOfficer>(records: PlanRecords<A, O>, today: IsoDate): EnrolmentPlan<A, O> {
  const aimsToEnrol: Array<{ aim: A; courseId: string }> = [];
  const aimsEnrolled: A[] = [];
  const aimsUnsupported: A[] = [];
  const aimsSuperseded: Array<{ aim: A; by: A }> = [];
  const learnerCourses = new Map<A, string | null>();
  for (const placement of placeAims(records.aims)) {
    learnerCourses.set(placement.aim, placement.state === 'enrolled' ? placement.learnerCourseId : null);
    if (placement.state === 'enrolled') aimsEnrolled.push(placement.aim);
    else if (placement.state === 'superseded') aimsSuperseded.push({ aim: placement.aim, by: placement.by });
    else if (placement.state === 'to-enrol') aimsToEnrol.push({ aim: placement.aim, courseId: placement.courseId });
    else aimsUnsupported.push(placement.aim);
  }
  const secondAssessor = secondAssessorOf(records.secondAssessorRoleHolder, records.mainOfficer);
  const problems = validateEnrolment(
    {
      learner: records.learner,
      placementOrganisation: records.placementOrganisation,
      mainOfficer: records.mainOfficer,
      secondAssessor,
      aims: aimsToEnrol.map(({ aim }) => aim),
    },
    { today },
  );
  return { problems, aimsToEnrol, aimsEnrolled, aimsUnsupported, aimsSuperseded, learnerCourses, secondAssessor };
}
