import type { DataSource } from 'typeorm';
import { seedLearner, seedOfficer, seedOrganisation } from '../../support/pipeline.js';

export interface SmallProvider {
  learners: { l1: number; l2: number; l3: number; archived: number; longGone: number };
  officers: { shared: number; second: number; secondAssessor: number; ofIneligibleOnly: number };
  organisations: { shared: number; second: number; ofIneligibleOnly: number };
}

export const SECOND_ASSESSOR_ROLE = 'Second Assessor';

/**
 * Three eligible learners: two share an officer and a placement; the third has their own,
 * plus a second assessor. Two ineligible learners hold records no job may touch.
 */
export async function seedSmallProvider(db: DataSource, options: { pushChangesToLearnerEmployer?: boolean } = {}): Promise<SmallProvider> {
  await db.query(`UPDATE integration_settings SET second_assessor_role = $1, push_changes_to_learner_employer = $2 WHERE id = 1`, [
    SECOND_ASSESSOR_ROLE,
    options.pushChangesToLearnerEmployer ?? true,
  ]);
  const officers = {
    shared: await seedOfficer(db, 'OFF-SHARED'),
    second: await seedOfficer(db, 'OFF-SECOND'),
    secondAssessor: await seedOfficer(db, 'OFF-2ND-ASSESSOR'),
    ofIneligibleOnly: await seedOfficer(db, 'OFF-INELIGIBLE'),
  };
  const organisations = {
    shared: await seedOrganisation(db, 'ORG-SHARED'),
    second: await seedOrganisation(db, 'ORG-SECOND'),
    ofIneligibleOnly: await seedOrganisation(db, 'ORG-INELIGIBLE'),
  };
  const learners = {
    l1: await seedLearner(db, { ident: 'L1', mainOfficerId: officers.shared, placementOrganisationId: organisations.shared }),
    l2: await seedLearner(db, { ident: 'L2', mainOfficerId: officers.shared, placementOrganisationId: organisations.shared }),
    l3: await seedLearner(db, {
      ident: 'L3',
      mainOfficerId: officers.second,
      placementOrganisationId: organisations.second,
      roles: [
        { role: SECOND_ASSESSOR_ROLE, officerId: officers.secondAssessor },
        { role: 'IQA', officerId: officers.ofIneligibleOnly },
      ],
    }),
    archived: await seedLearner(db, {
      ident: 'L-ARCHIVED',
      systemStatus: 'Archived',
      mainOfficerId: officers.ofIneligibleOnly,
      placementOrganisationId: organisations.ofIneligibleOnly,
    }),
    longGone: await seedLearner(db, {
      ident: 'L-LONG-GONE',
      aimEnds: ['2020-06-30'],
      mainOfficerId: officers.ofIneligibleOnly,
      placementOrganisationId: organisations.ofIneligibleOnly,
    }),
  };
  return { learners, officers, organisations };
}

/** 3 learners × 5 per-learner queues, 3 employer moves, 3 officers, 2 organisations. */
export const SMALL_PROVIDER_JOBS = 3 * 5 + 3 + 3 + 2;
