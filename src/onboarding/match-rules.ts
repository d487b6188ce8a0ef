import { normalise } from '../sync/index.js';

/**
 * SPEC.md §6 "Bringing an existing provider in": which Smart Assessor record each
 * unlinked MIS record is, as pure functions. Plain values in, proposals out; the match
 * job reads both sides and stores what comes back.
 *
 * Each kind has its rules in order of strength. Learners: misReference, then ULN, then
 * name and date of birth; employers: EDRS number, then name and postcode; assessors:
 * email. Employers and assessors are tried by misReference first too: a record an
 * earlier integration made carries the MIS ref, and enrolment's find-before-create
 * would link it anyway, so it is proposed rather than left to chance.
 *
 * A rule is tried only for the records the stronger ones left unmatched, and only
 * against the Smart Assessor records nobody has yet: a record linked to an MIS record
 * (its id held as a Smart Assessor ID or Additional ID) is never proposed, nor one a
 * stronger rule proposed for another MIS record, nor one whose misReference names
 * another MIS record (it says whose it is). Values are compared normalised as SPEC.md §4
 * says (src/sync/normalise.ts); names also without regard to case, since records typed
 * by hand differ in nothing else as often. A blank value matches nothing.
 */

export const ONBOARDING_KINDS = ['learner', 'organisation', 'officer'] as const;
export type OnboardingKind = (typeof ONBOARDING_KINDS)[number];

export const MATCH_BASES = ['misReference', 'uln', 'name-dob', 'edrs', 'name-postcode', 'email'] as const;
export type MatchBasis = (typeof MATCH_BASES)[number];

/** Either side of a match: what every record has, whatever its kind. */
export interface MisSide {
  /** The MIS key: Learner Ident or ref. */
  ref: string;
  /** The Smart Assessor id the record holds (Smart Assessor ID, Additional ID); blank when unlinked. */
  heldId: string | null;
}

export interface SaSide {
  id: string;
  misReference: string | null;
}

/** One way of recognising a record: the key each side gives, null when it has none. */
export interface MatchRule<M, S> {
  basis: MatchBasis;
  misKey(record: M): string | null;
  saKey(record: S): string | null;
}

export interface Proposal<M, S> {
  mis: M;
  sa: S;
  basis: MatchBasis;
  /** This Smart Assessor record is the only one that fits, and no other MIS record claims it. */
  unique: boolean;
  /** How many Smart Assessor records fit the MIS record by this rule (more than one: the admin chooses). */
  candidates: number;
}

export interface MatchResult<M, S> {
  /** By rule, then MIS ref, then Smart Assessor id. */
  proposals: Array<Proposal<M, S>>;
  /** Unlinked MIS records no rule found anything for: to be enrolled. */
  unmatched: M[];
}

export interface MisLearnerKeys extends MisSide {
  firstName?: string | null;
  surname?: string | null;
  dateOfBirth?: string | null;
  uln?: string | null;
}

export interface SaLearnerKeys extends SaSide {
  firstName?: string | null;
  surname?: string | null;
  dateOfBirth?: string | null;
  uln?: string | null;
}

export interface OrganisationKeys {
  name?: string | null;
  edrsNumber?: string | null;
  postcode?: string | null;
}

export interface OfficerKeys {
  email?: string | null;
}

const SEPARATOR = '\u0000';

function compact(value: unknown): string | null {
  return normalise('text', value)?.replace(/ /g, '').toUpperCase() ?? null;
}

function name(value: unknown): string | null {
  return normalise('text', value)?.toLowerCase() ?? null;
}

/** The parts joined, or null when any is blank: a partial key would match too much. */
function joined(...parts: Array<string | null>): string | null {
  return parts.every((part) => part !== null) ? parts.join(SEPARATOR) : null;
}

function byMisReference<M extends MisSide, S extends SaSide>(): MatchRule<M, S> {
  return { basis: 'misReference', misKey: (record) => normalise('text', record.ref), saKey: (record) => normalise('text', record.misReference) };
}

export function learnerRules<M extends MisLearnerKeys, S extends SaLearnerKeys>(): Array<MatchRule<M, S>> {
  const nameAndBirth = (record: MisLearnerKeys | SaLearnerKeys) => joined(name(record.firstName), name(record.surname), normalise('date', record.dateOfBirth));
  return [
    byMisReference<M, S>(),
    { basis: 'uln', misKey: (record) => compact(record.uln), saKey: (record) => compact(record.uln) },
    { basis: 'name-dob', misKey: nameAndBirth, saKey: nameAndBirth },
  ];
}

export function organisationRules<M extends MisSide & OrganisationKeys, S extends SaSide & OrganisationKeys>(): Array<MatchRule<M, S>> {
  const namePostcode = (record: OrganisationKeys) => joined(name(record.name), normalise('postcode', record.postcode));
  return [
    byMisReference<M, S>(),
    { basis: 'edrs', misKey: (record) => compact(record.edrsNumber), saKey: (record) => compact(record.edrsNumber) },
    { basis: 'name-postcode', misKey: namePostcode, saKey: namePostcode },
  ];
}

export function officerRules<M extends MisSide & OfficerKeys, S extends SaSide & OfficerKeys>(): Array<MatchRule<M, S>> {
  return [byMisReference<M, S>(), { basis: 'email', misKey: (record) => normalise('email', record.email), saKey: (record) => normalise('email', record.email) }];
}

/**
 * The proposals for every unlinked record of `mis` among `sa`, rule by rule (see above).
 * `mis` is every MIS record of the kind, linked or not: the linked ones say which Smart
 * Assessor records are taken and which misReferences name someone.
 */
export function proposeLinks<M extends MisSide, S extends SaSide>(mis: readonly M[], sa: readonly S[], rules: ReadonlyArray<MatchRule<M, S>>): MatchResult<M, S> {
  const held = new Set(mis.map((record) => normalise('text', record.heldId)).filter((id) => id !== null));
  const misRefs = new Set(mis.map((record) => normalise('text', record.ref)));
  let pool = sa.filter((record) => !held.has(record.id));
  let unresolved = mis.filter((record) => normalise('text', record.heldId) === null).sort((a, b) => compareText(a.ref, b.ref));
  const proposals: Array<Proposal<M, S>> = [];

  for (const rule of rules) {
    const byKey = new Map<string, S[]>();
    for (const record of pool) {
      const key = rule.saKey(record);
      if (key === null) continue;
      const list = byKey.get(key);
      if (list) list.push(record);
      else byKey.set(key, [record]);
    }
    const claims: Array<{ mis: M; candidates: S[] }> = [];
    const claimsOf = new Map<S, number>();
    for (const record of unresolved) {
      const key = rule.misKey(record);
      const candidates = key === null ? undefined : byKey.get(key);
      if (!candidates) continue;
      claims.push({ mis: record, candidates: [...candidates].sort((a, b) => compareText(a.id, b.id)) });
      for (const candidate of candidates) claimsOf.set(candidate, (claimsOf.get(candidate) ?? 0) + 1);
    }
    for (const { mis: record, candidates } of claims) {
      for (const candidate of candidates) {
        proposals.push({
          mis: record,
          sa: candidate,
          basis: rule.basis,
          unique: candidates.length === 1 && claimsOf.get(candidate) === 1,
          candidates: candidates.length,
        });
      }
    }
    const claimed = new Set(claims.map((claim) => claim.mis));
    unresolved = unresolved.filter((record) => !claimed.has(record));
    pool = pool.filter((record) => !claimsOf.has(record));
    if (rule.basis === 'misReference') {
      // Past the misReference rule, a record that names an MIS record is left to it.
      pool = pool.filter((record) => {
        const named = normalise('text', record.misReference);
        return named === null || !misRefs.has(named);
      });
    }
  }
  return { proposals, unmatched: unresolved };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
