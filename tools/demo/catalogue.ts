/**
 * The qualifications of the demo provider. The simulator's starting course catalogue is
 * built from the same list (by normalised reference), so enrolment has courses to link
 * to; two of them are deliberately absent from Smart Assessor ("not supported").
 */
export interface CatalogueQualification {
  reference: string;
  title: string;
  supportedInSmartAssessor: boolean;
}

export const DEMO_QUALIFICATIONS: readonly CatalogueQualification[] = [
  { reference: 'ST0457', title: 'Engineering Technician (Level 3)', supportedInSmartAssessor: true },
  { reference: 'ST0118', title: 'Business Administrator (Level 3)', supportedInSmartAssessor: true },
  { reference: 'ST0072', title: 'Customer Service Practitioner (Level 2)', supportedInSmartAssessor: true },
  { reference: 'ST0225', title: 'Adult Care Worker (Level 2)', supportedInSmartAssessor: true },
  { reference: 'ST0116', title: 'Software Developer (Level 4)', supportedInSmartAssessor: true },
  { reference: '603/3016/5', title: 'Functional Skills Qualification in Mathematics at Level 2', supportedInSmartAssessor: true },
  { reference: '603/5060/7', title: 'Functional Skills Qualification in English at Level 2', supportedInSmartAssessor: true },
  { reference: 'ST0385', title: 'Team Leader or Supervisor (Level 3)', supportedInSmartAssessor: false },
  { reference: 'ZPROG001', title: 'Apprenticeship programme aim', supportedInSmartAssessor: false },
];
