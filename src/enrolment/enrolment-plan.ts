import type { FieldProblem } from '../errors.js';
import { isBlank, validateEnrolment, type IsoDate, type PicsLearner, type PicsOfficer, type PicsOrganisation } from '../sync/index.js';

/** An aim as the plan sees it: its dates, its SA learner course (once enrolled) and its qualification's SA course. */
export interface PlanAim {
  aimRef: string;
  startDate: IsoDate;
  plannedEndDate: IsoDate;
  saLearnerCourseId: string | null;
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
  /** Aims already on their SA course (an earlier attempt, or an admin's link): left alone. */
  aimsEnrolled: A[];
  /** Aims whose qualification has no SA course id: skipped and reported. */
  aimsUnsupported: A[];
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
  for (const aim of records.aims) {
    const courseId = aim.qualification.saCourseId?.trim();
    if (!isBlank(aim.saLearnerCourseId)) aimsEnrolled.push(aim);
    else if (courseId) aimsToEnrol.push({ aim, courseId });
    else aimsUnsupported.push(aim);
  }
  const holder = records.secondAssessorRoleHolder;
  const secondAssessor = holder && holder.ref !== records.mainOfficer?.ref ? holder : null;
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
  return { problems, aimsToEnrol, aimsEnrolled, aimsUnsupported, secondAssessor };
}
