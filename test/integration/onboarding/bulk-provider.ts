import type { ImportDocument } from '../../../src/import/import-document.js';
import { ENGINEERING, learner, MATHS, officer, organisation, PROGRAMME } from '../enrolment/fixtures.js';

export interface BulkProviderOptions {
  learners: number;
  /** New employers, shared round-robin by the learners. */
  organisations: number;
  /** New officers, each the Main Officer of every so many learners. */
  officers: number;
  /** Learner numbers whose NI number is invalid: their enrolment fails, alone. */
  invalid?: number[];
  /** Learner Idents start after this number (to add a second provider's worth beside a first). */
  firstNumber?: number;
}

export const bulkOrganisationRef = (n: number): string => `BORG${String(n).padStart(3, '0')}`;
export const bulkOfficerRef = (n: number): string => `BOFF${String(n).padStart(2, '0')}`;

/**
 * A provider none of whose records are in Smart Assessor yet: `learners` Live learners in
 * learning (Engineering, which Smart Assessor supports, and the programme aim, which it
 * does not), sharing a few new employers and officers.
 */
export function bulkProvider(options: BulkProviderOptions): ImportDocument {
  const first = options.firstNumber ?? 0;
  const invalid = new Set(options.invalid ?? []);
  return {
    qualifications: [ENGINEERING, MATHS, PROGRAMME],
    organisations: Array.from({ length: options.organisations }, (_, index) =>
      organisation(bulkOrganisationRef(index + 1), { name: `Bulk Employer ${index + 1} Ltd`, edrsNumber: String(200_000_000 + index + 1) }),
    ),
    officers: Array.from({ length: options.officers }, (_, index) =>
      officer(bulkOfficerRef(index + 1), 'Bulk', `Officer${index + 1}`, { email: `bulk.officer${index + 1}@provider.example` }),
    ),
    learners: Array.from({ length: options.learners }, (_, index) => {
      const n = first + index + 1;
      return learner(n, {
        placementOrganisationRef: bulkOrganisationRef((index % options.organisations) + 1),
        mainOfficerRef: bulkOfficerRef((index % options.officers) + 1),
        ...(invalid.has(n) ? { niNumber: 'QQ12345' } : {}),
      });
    }),
  };
}
