import type { DemographicsMode, Direction, Gender } from '../../entities/enums.js';
import type { FieldChange } from '../../entities/sync-event.js';
import type { FieldProblem } from '../failure-kinds.js';
import type { AssessorFields, EmployerFields, LearnerDemographics, LearnerUpdate } from '../smart-assessor/types.js';
import type { IsoDate } from './dates.js';
import { isBlank, sameValue, type ValueKind } from './normalise.js';
import { learnerRecord, officerRecord, organisationRecord, type PicsLearner, type PicsOfficer, type PicsOrganisation } from './records.js';

/**
 * SPEC.md §4 demographics, officers and organisations rows. Per mode: None does nothing;
 * Push gives Smart Assessor the PICS values that differ; Pull gives PICS the SA values
 * that differ. Values are compared normalised but sent as held, and a blank never
 * overwrites a value in either direction.
 */

/** What to write where. Both sides empty: nothing differs (or the mode is None), so no call and no write. */
export interface DemographicsPlan<SaPatch, MisUpdates> {
  /** The PATCH body for Smart Assessor: the PICS values, as held, that differ from SA's. */
  saPatch: SaPatch;
  /** The MIS columns to set: the SA values that differ from the MIS's. */
  misUpdates: MisUpdates;
  /** One per field written, `from` the value it replaces, `to` the value written. */
  changes: FieldChange[];
}

/**
 * Each compared field and how it is normalised, one table per record, complete for the
 * contract's fields. The learner's gender and ULN are handled apart: see `planLearnerDemographics`.
 */
export const LEARNER_DEMOGRAPHIC_FIELDS = {
  firstName: 'text',
  surname: 'text',
  dateOfBirth: 'date',
  email: 'email',
  address1: 'text',
  address2: 'text',
  address3: 'text',
  address4: 'text',
  postcode: 'postcode',
  niNumber: 'niNumber',
  phone: 'phone',
  mobile: 'phone',
} as const satisfies Record<Exclude<keyof LearnerDemographics, 'gender' | 'uln'>, ValueKind>;

export const OFFICER_DEMOGRAPHIC_FIELDS = {
  firstName: 'text',
  surname: 'text',
  email: 'email',
  phone: 'phone',
  mobile: 'phone',
} as const satisfies Record<keyof AssessorFields, ValueKind>;

/** The employer fields of SPEC.md §3. */
export const ORGANISATION_DEMOGRAPHIC_FIELDS = {
  name: 'text',
  phone: 'phone',
  edrsNumber: 'text',
  address1: 'text',
  address2: 'text',
  address3: 'text',
  address4: 'text',
  postcode: 'postcode',
  website: 'text',
  employerSize: 'text',
} as const satisfies Record<keyof EmployerFields, ValueKind>;

type TextColumns<K extends string> = Partial<Record<K, string>>;

/** Learner columns a Pull may set. */
export type LearnerMisUpdate = TextColumns<Exclude<keyof typeof LEARNER_DEMOGRAPHIC_FIELDS, 'dateOfBirth'>> & {
  dateOfBirth?: IsoDate;
  gender?: Gender;
};
export type OfficerMisUpdate = TextColumns<keyof typeof OFFICER_DEMOGRAPHIC_FIELDS>;
export type OrganisationMisUpdate = TextColumns<keyof typeof ORGANISATION_DEMOGRAPHIC_FIELDS>;

/** A live run's settings are push-only (SPEC.md §6): a Pull mode then compares nothing (the ULN still goes up). */
interface PushOnly {
  pushOnly?: boolean;
}
export interface LearnerDemographicsSettings extends PushOnly {
  learnerDemographicsMode: DemographicsMode;
  updateLearnerGender: boolean;
}
export interface OfficerDemographicsSettings extends PushOnly {
  officerDemographicsMode: DemographicsMode;
}
export interface OrganisationDemographicsSettings extends PushOnly {
  organisationDemographicsMode: DemographicsMode;
}

interface PlanBuilder {
  saPatch: Record<string, unknown>;
  misUpdates: Record<string, unknown>;
  changes: FieldChange[];
}

/** The directions a comparison can write in. */
type WriteDirection = Exclude<Direction, 'kept'>;

function compareField(plan: PlanBuilder, record: string, field: string, kind: ValueKind, direction: WriteDirection, picsValue: unknown, saValue: unknown): void {
  const [source, target] = direction === 'push' ? [picsValue, saValue] : [saValue, picsValue];
  if (isBlank(source) || sameValue(kind, source, target)) return;
  (direction === 'push' ? plan.saPatch : plan.misUpdates)[field] = source;
  plan.changes.push({ record, field, from: target ?? null, to: source, direction });
}

function directionOf(mode: DemographicsMode, { pushOnly = false }: PushOnly): WriteDirection | null {
  switch (mode) {
    case 'Push':
      return 'push';
    case 'Pull':
      return pushOnly ? null : 'pull';
    case 'None':
      return null;
  }
}

function planFields(mode: DemographicsMode, settings: PushOnly, record: string, kinds: Record<string, ValueKind>, pics: object, sa: object): PlanBuilder {
  const plan: PlanBuilder = { saPatch: {}, misUpdates: {}, changes: [] };
  const direction = directionOf(mode, settings);
  if (direction === null) return plan;
  for (const [field, kind] of Object.entries(kinds)) {
    compareField(plan, record, field, kind, direction, (pics as Record<string, unknown>)[field], (sa as Record<string, unknown>)[field]);
  }
  return plan;
}

/**
 * The learner's demographics per the Learner Demographics Mode. Gender joins the compared
 * fields only when Update Learner Gender is on. The ULN is only ever pushed: in Push and
 * Pull modes SA gets the PICS ULN when it differs (and PICS has one); in None nothing at all.
 * Push-only settings (a live run's) leave a Pull mode the ULN alone.
 */
export function planLearnerDemographics(pics: PicsLearner, sa: LearnerDemographics, settings: LearnerDemographicsSettings): DemographicsPlan<LearnerUpdate, LearnerMisUpdate> {
  const mode = settings.learnerDemographicsMode;
  const record = learnerRecord(pics.learnerIdent);
  const kinds: Record<string, ValueKind> = settings.updateLearnerGender ? { ...LEARNER_DEMOGRAPHIC_FIELDS, gender: 'text' } : LEARNER_DEMOGRAPHIC_FIELDS;
  const plan = planFields(mode, settings, record, kinds, pics, sa);
  if (mode !== 'None') compareField(plan, record, 'uln', 'text', 'push', pics.uln, sa.uln);
  return plan as DemographicsPlan<LearnerUpdate, LearnerMisUpdate>;
}

/** A linked officer's details per the Officer Demographics Mode (`sa` is their SA assessor). */
export function planOfficerDemographics(pics: PicsOfficer, sa: AssessorFields, settings: OfficerDemographicsSettings): DemographicsPlan<AssessorFields, OfficerMisUpdate> {
  const plan = planFields(settings.officerDemographicsMode, settings, officerRecord(pics.ref), OFFICER_DEMOGRAPHIC_FIELDS, pics, sa);
  return plan as DemographicsPlan<AssessorFields, OfficerMisUpdate>;
}

/** A linked organisation's details per the Organisation Demographics Mode (`sa` is its SA employer). */
export function planOrganisationDemographics(
  pics: PicsOrganisation,
  sa: EmployerFields,
  settings: OrganisationDemographicsSettings,
): DemographicsPlan<EmployerFields, OrganisationMisUpdate> {
  const plan = planFields(settings.organisationDemographicsMode, settings, organisationRecord(pics.ref), ORGANISATION_DEMOGRAPHIC_FIELDS, pics, sa);
  return plan as DemographicsPlan<EmployerFields, OrganisationMisUpdate>;
}

/**
 * The plan without the pushes that invalid PICS data holds back (SPEC.md §4: invalid data
 * is never sent, and holds back only the fields it affects): each field with a problem
 * (the record's own, as its validation names them) is neither in the PATCH nor among the
 * changes; every other push, and every pull, stays.
 */
export function holdBack<SaPatch, MisUpdates>(plan: DemographicsPlan<SaPatch, MisUpdates>, problems: readonly FieldProblem[]): DemographicsPlan<SaPatch, MisUpdates> {
  if (problems.length === 0) return plan;
  const held = new Set(problems.map((problem) => problem.field));
  return {
    saPatch: Object.fromEntries(Object.entries(plan.saPatch as Record<string, unknown>).filter(([field]) => !held.has(field))) as SaPatch,
    misUpdates: plan.misUpdates,
    changes: plan.changes.filter((change) => change.direction !== 'push' || !held.has(change.field)),
  };
}
