import { startTestAdmin, type TestAdmin } from '../../support/admin.js';
import { FIXED_NOW, providerDocument } from '../admin/fixtures.js';

/* What the security test files share: the admin's routes and pages, and a test admin for a file. */

/** Every JSON API route of contracts/admin-api.md (and the UI's extra ones), with a body that would be valid. */
export const API_ROUTES: Array<[string, string, unknown?]> = [
  ['GET', '/api/session'],
  ['DELETE', '/api/session'],
  ['POST', '/api/import', { reviewTypes: [] }],
  ['GET', '/api/learners'],
  ['GET', '/api/learners/L000123'],
  ['GET', '/api/learners/L000123/enrolment-preview'],
  ['POST', '/api/learners/L000124/enrolment', {}],
  ['POST', '/api/learners/L000123/sync', {}],
  ['PUT', '/api/learners/L000123/smart-assessor-id', { smartAssessorId: '1' }],
  ['GET', '/api/learners/L000123/history'],
  ['GET', '/api/organisations'],
  ['PUT', '/api/organisations/ORG7/additional-id', { additionalId: '1' }],
  ['GET', '/api/officers'],
  ['PUT', '/api/officers/OFF2/additional-id', { additionalId: '1' }],
  ['GET', '/api/qualifications'],
  ['GET', '/api/review-types'],
  ['GET', '/api/smart-assessor/employers?name=Acme'],
  ['GET', '/api/smart-assessor/assessors?email=a@b.c'],
  ['POST', '/api/qualification-links/refresh', {}],
  ['GET', '/api/review-type-mappings'],
  ['PUT', '/api/review-type-mappings', { FormalReview: 'PR' }],
  ['GET', '/api/settings'],
  ['PUT', '/api/settings', { learnerDemographicsMode: 'Push' }],
  ['POST', '/api/connection-test', {}],
  ['POST', '/api/sync/runs', {}],
  ['GET', '/api/sync/runs'],
  ['GET', '/api/sync/runs/00000000-0000-0000-0000-000000000000'],
  ['GET', '/api/sync/runs/00000000-0000-0000-0000-000000000000/failures'],
  ['GET', '/api/sync/trend'],
  ['POST', '/api/onboarding/matches', {}],
  ['GET', '/api/onboarding/matches'],
  ['GET', '/api/onboarding/matches/00000000-0000-4000-8000-000000000000'],
  ['GET', '/api/onboarding/matches/00000000-0000-4000-8000-000000000000/proposals.csv'],
  ['POST', '/api/onboarding/matches/00000000-0000-4000-8000-000000000000/accept', { allUnique: true }],
  ['POST', '/api/enrolments', { allUnenrolled: true }],
  ['GET', '/api/enrolments'],
  ['GET', '/api/enrolments/00000000-0000-4000-8000-000000000000'],
];

/** The GET routes among them: what an admin reads. */
export const API_READS = API_ROUTES.filter(([method]) => method === 'GET').map(([, path]) => path);

export const PAGES = ['/', '/learners', '/learners/L000123', '/organisations', '/officers', '/qualifications', '/review-types', '/settings', '/runs', '/runs/x', '/onboarding'];

/**
 * Mocha hooks for a file's test admin: started once, emptied and given the admin tests'
 * provider (test/integration/admin/fixtures.ts) before each test, closed at the end.
 */
export function useProviderAdmin(started: (admin: TestAdmin) => void): void {
  let admin: TestAdmin | undefined;
  before(async () => {
    admin = await startTestAdmin({ now: () => FIXED_NOW });
    started(admin);
  });
  beforeEach(async () => {
    await admin!.reset();
    await admin!.api.post('/api/import', providerDocument());
  });
  after(() => admin?.close());
}
