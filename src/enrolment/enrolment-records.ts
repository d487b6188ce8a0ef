import type { EntityManager } from 'typeorm';
import { IntegrationSettings, Learner, LearnerOfficerRole, LearningAim, type Officer, type Organisation, type Qualification } from '../../entities/index.js';

export type EnrolmentAimRecord = LearningAim & { qualification: Qualification };

/** Everything enrolment reads from PostgreSQL about one learner (SPEC.md §3). */
export interface EnrolmentRecords {
  learner: Learner;
  /** The current placement organisation: the Smart Assessor employer. */
  placementOrganisation: Organisation | null;
  /** The Smart Assessor assessor. */
  mainOfficer: Officer | null;
  /** The officer holding the Qualification Second Assessor Role on the learner; null when no role is set or nobody holds it. */
  secondAssessorRoleHolder: Officer | null;
  /** In aimRef order, so calls and history follow one order every time. */
  aims: EnrolmentAimRecord[];
}

export type LearnerKey = { learnerId: number } | { learnerIdent: string };

/** The learner with their employer, officers and aims (each with its qualification); null when there is no such learner. */
export async function loadEnrolmentRecords(manager: EntityManager, key: LearnerKey, secondAssessorRole: string | null): Promise<EnrolmentRecords | null> {
  const learner = await manager.getRepository(Learner).findOne({
    where: 'learnerId' in key ? { id: key.learnerId } : { learnerIdent: key.learnerIdent },
    relations: { placementOrganisation: true, mainOfficer: true },
  });
  if (!learner) return null;
  const [aims, role] = await Promise.all([
    manager.getRepository(LearningAim).find({ where: { learnerId: learner.id }, relations: { qualification: true }, order: { aimRef: 'ASC' } }),
    secondAssessorRole
      ? manager.getRepository(LearnerOfficerRole).findOne({ where: { learnerId: learner.id, role: secondAssessorRole }, relations: { officer: true } })
      : Promise.resolve(null),
  ]);
  return {
    learner,
    placementOrganisation: learner.placementOrganisation ?? null,
    mainOfficer: learner.mainOfficer ?? null,
    secondAssessorRoleHolder: role?.officer ?? null,
    aims: aims as EnrolmentAimRecord[],
  };
}

/** The settings row (the initial migration creates it). */
export function readIntegrationSettings(manager: EntityManager): Promise<IntegrationSettings> {
  return manager.getRepository(IntegrationSettings).findOneByOrFail({ id: 1 });
}
