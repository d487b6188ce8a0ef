import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { SESSION_TYPES, type AttendedStatus, type CompletionStatus, type Gender, type Outcome, type SystemStatus } from '../../entities/enums.js';
import type { ImportDocument, ImportLearner, ImportLearningAim, ImportOfficer, ImportOrganisation, ImportReview, ImportReviewType } from '../../src/import/import-format.js';
import type { SettingsPatch } from '../../src/settings/settings-patch.js';
import { addDays, addMonths, addYears, earlier, later, ukToday } from './calendar.js';
import { DEMO_QUALIFICATIONS } from './catalogue.js';
import { NiNumberSource, postcode, UlnSource } from './identifiers.js';
import {
  BUSINESS_PARKS,
  EMPLOYER_PLACES,
  EMPLOYER_SIZES,
  EMPLOYER_SUFFIXES,
  EMPLOYER_TRADES,
  FEMALE_NAMES,
  LEARNER_MAIL_DOMAINS,
  MALE_NAMES,
  MOBILE_PREFIX,
  NEUTRAL_NAMES,
  PROVIDER_DOMAIN,
  REVIEW_NOTES,
  STREETS,
  SURNAMES,
  TOWNS,
  type Town,
} from './places-and-names.js';
import { Permutation, Random, STREAM } from './random.js';

export interface DemoOptions {
  learners: number;
  /** Same seed, same document. */
  seed?: number;
  /** The day the provider's data is as of (YYYY-MM-DD); default: today in the UK. */
  today?: string;
}

export const DEMO_REVIEW_TYPES: readonly ImportReviewType[] = [
  { code: 'PR', name: 'Progress Review' },
  { code: 'IND', name: 'Induction' },
  { code: 'EXIT', name: 'Exit Review' },
  { code: 'TR', name: 'Tripartite Review' },
];

export const IQA_ROLE = 'IQA';
export const SECOND_ASSESSOR_ROLE = 'Second Assessor';

/** Formal reviews, inductions and exit sessions come down as reviews; other session types are ignored. */
export function demoSettings(): SettingsPatch {
  const mapped: Partial<Record<(typeof SESSION_TYPES)[number], string>> = { FormalReview: 'PR', Induction: 'IND', ExitSession: 'EXIT' };
  return {
    secondAssessorRole: SECOND_ASSESSOR_ROLE,
    reviewTypeMappings: Object.fromEntries(SESSION_TYPES.map((type) => [type, mapped[type] ?? null])),
  };
}

/** Roughly one employer per 8 learners and one officer per 40, as in a mid-sized provider. */
const LEARNERS_PER_EMPLOYER = 8;
const LEARNERS_PER_OFFICER = 40;

type Scenario = 'continuing' | 'starting' | 'completed' | 'withdrawn' | 'onBreak' | 'returned';
const SCENARIOS: ReadonlyArray<readonly [Scenario, number]> = [
  ['continuing', 60],
  ['starting', 4],
  ['completed', 11],
  ['withdrawn', 8],
  ['onBreak', 8],
  ['returned', 9],
];

const STANDARDS = DEMO_QUALIFICATIONS.filter((q) => /^ST\d+$/.test(q.reference)).map((q) => q.reference);
const MATHS = DEMO_QUALIFICATIONS.find((q) => /Mathematics/.test(q.title))!.reference;
const ENGLISH = DEMO_QUALIFICATIONS.find((q) => /English/.test(q.title))!.reference;
const PROGRAMME = DEMO_QUALIFICATIONS.find((q) => /programme aim/i.test(q.title))!.reference;
const PLANNED_OTJ_HOURS = [187, 278, 312, 350, 386, 417, 456, 520] as const;

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function checkOptions(options: DemoOptions): Required<DemoOptions> {
  const { learners, seed = 1, today = ukToday() } = options;
  if (!Number.isInteger(learners) || learners < 1) throw new RangeError(`learners must be a whole number of at least 1, not ${String(learners)}`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be a whole number, not ${String(seed)}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || addDays(today, 0) !== today) throw new RangeError(`today must be a real date YYYY-MM-DD, not "${today}"`);
  return { learners, seed, today };
}

interface PlannedAim {
  reference: string;
  startDate: string;
  plannedEndDate: string;
  actualEndDate: string | null;
  completionStatus: CompletionStatus;
  outcome: Outcome | null;
  restartOf?: number;
}

/**
 * A demo provider: employers, staff, the catalogue, review types and N learners with
 * their ILR aims, breaks and reviews, as an import document. Learners are made one at a
 * time (`learner(i)`), so a document of any size can be written without holding it.
 */
export class DemoProvider {
  readonly learnerCount: number;
  readonly seed: number;
  readonly today: string;
  readonly organisations: readonly ImportOrganisation[];
  readonly officers: readonly ImportOfficer[];
  readonly #organisationTowns: readonly Town[];
  readonly #ulns: UlnSource;
  readonly #niNumbers: NiNumberSource;

  constructor(options: DemoOptions) {
    const checked = checkOptions(options);
    this.learnerCount = checked.learners;
    this.seed = checked.seed;
    this.today = checked.today;
    const permutations = new Random(this.seed, STREAM.permutation);
    this.#ulns = new UlnSource(this.learnerCount, permutations);
    this.#niNumbers = new NiNumberSource(permutations);
    const employerCount = Math.max(1, Math.ceil(this.learnerCount / LEARNERS_PER_EMPLOYER));
    const names = new Permutation(EMPLOYER_PLACES.length * EMPLOYER_TRADES.length * EMPLOYER_SUFFIXES.length, permutations);
    const edrsNumbers = new Permutation(900_000_000, permutations);
    const employers = Array.from({ length: employerCount }, (_, i) => this.#organisation(i, names, edrsNumbers));
    this.organisations = employers.map((employer) => employer.organisation);
    this.#organisationTowns = employers.map((employer) => employer.town);
    const emails = new Set<string>();
    this.officers = Array.from({ length: Math.max(2, Math.ceil(this.learnerCount / LEARNERS_PER_OFFICER)) }, (_, i) => this.#officer(i, emails));
  }

  get reviewTypes(): ImportReviewType[] {
    return DEMO_REVIEW_TYPES.map((type) => ({ ...type }));
  }

  get qualifications(): Array<{ reference: string; title: string }> {
    return DEMO_QUALIFICATIONS.map(({ reference, title }) => ({ reference, title }));
  }

  get settings(): SettingsPatch {
    return demoSettings();
  }

  *learners(): Generator<ImportLearner> {
    for (let i = 0; i < this.learnerCount; i++) yield this.learner(i);
  }

  /** Unique employer names: place × trade × suffix, then the same again behind a family name. */
  #employerName(index: number, names: Permutation): string {
    const base = EMPLOYER_PLACES.length * EMPLOYER_TRADES.length * EMPLOYER_SUFFIXES.length;
    let code = names.at(index % base);
    const suffix = EMPLOYER_SUFFIXES[code % EMPLOYER_SUFFIXES.length];
    code = Math.floor(code / EMPLOYER_SUFFIXES.length);
    const trade = EMPLOYER_TRADES[code % EMPLOYER_TRADES.length];
    const place = EMPLOYER_PLACES[Math.floor(code / EMPLOYER_TRADES.length)];
    const round = Math.floor(index / base);
    const family = round === 0 ? '' : `${SURNAMES[(round - 1) % SURNAMES.length]} `;
    return `${family}${place} ${trade} ${suffix}`;
  }

  #organisation(index: number, names: Permutation, edrsNumbers: Permutation): { organisation: ImportOrganisation; town: Town } {
    const random = new Random(this.seed, STREAM.organisation, index);
    const town = random.pick(TOWNS);
    const name = this.#employerName(index, names);
    const onPark = random.chance(0.55);
    return {
      town,
      organisation: {
        ref: `ORG${pad(index + 1, 5)}`,
        name,
        phone: `${town.phonePrefix}${pad(random.int(0, 999), 3)}`,
        edrsNumber: String(100_000_000 + edrsNumbers.at(index)),
        address1: onPark ? `Unit ${random.int(1, 48)}` : `${random.int(1, 320)} ${random.pick(STREETS)}`,
        address2: onPark ? random.pick(BUSINESS_PARKS) : null,
        address3: random.chance(0.4) ? random.pick(town.localities) : null,
        address4: town.name,
        postcode: postcode(random.pick(town.outward), random),
        website: random.chance(0.85) ? `https://www.${slug(name.replace(/ (Ltd|Limited|plc|LLP|Group Ltd)$/, ''))}.example` : null,
        employerSize: random.weighted(EMPLOYER_SIZES),
        additionalId: null,
      },
    };
  }

  #officer(index: number, emails: Set<string>): ImportOfficer {
    const random = new Random(this.seed, STREAM.officer, index);
    const firstName = random.pick(random.chance(0.6) ? FEMALE_NAMES : MALE_NAMES);
    const surname = random.pick(SURNAMES);
    let email = `${slug(firstName)}.${slug(surname)}@${PROVIDER_DOMAIN}`;
    for (let n = 2; emails.has(email); n++) email = `${slug(firstName)}.${slug(surname)}${n}@${PROVIDER_DOMAIN}`;
    emails.add(email);
    return {
      ref: `OFF${pad(index + 1, 4)}`,
      firstName,
      surname,
      email,
      phone: random.chance(0.5) ? `0113 496 0${pad(random.int(0, 999), 3)}` : null,
      mobile: random.chance(0.8) ? `${MOBILE_PREFIX}${pad(random.int(0, 999), 3)}` : null,
      additionalId: null,
    };
  }

  /** Learner `index` (0-based): the same for the same seed, day and N, made without the others. */
  learner(index: number): ImportLearner {
    const random = new Random(this.seed, STREAM.learner, index);
    const learnerIdent = `L${pad(index + 1, 6)}`;
    // Big employers take many learners, small ones a few: a skewed draw over the employer list.
    const employerIndex = Math.min(this.organisations.length - 1, Math.floor(this.organisations.length * random.next() ** 1.8));
    const town = random.chance(0.75) ? this.#organisationTowns[employerIndex] : random.pick(TOWNS);
    const gender = random.weighted<Gender | null>([
      ['Female', 48],
      ['Male', 48],
      ['Other', 2],
      ['NotKnown', 1],
      [null, 1],
    ]);
    const firstName = random.pick(gender === 'Female' ? FEMALE_NAMES : gender === 'Male' ? MALE_NAMES : NEUTRAL_NAMES);
    const surname = random.pick(SURNAMES);
    const age = random.weighted<readonly [number, number]>([
      [[16, 19], 45],
      [[20, 24], 30],
      [[25, 40], 25],
    ]);
    const mainOfficer = random.int(0, this.officers.length - 1);
    const otherOfficer = () => (mainOfficer + random.int(1, this.officers.length - 1)) % this.officers.length;
    const officerRoles: Array<{ role: string; officerRef: string }> = [];
    if (random.chance(0.35)) officerRoles.push({ role: IQA_ROLE, officerRef: this.officers[otherOfficer()].ref });
    if (random.chance(0.25)) officerRoles.push({ role: SECOND_ASSESSOR_ROLE, officerRef: this.officers[otherOfficer()].ref });

    const scenario = random.weighted(SCENARIOS);
    const programme = this.#programme(scenario, random);
    const aims: ImportLearningAim[] = programme.aims.map((aim, k) => ({
      aimRef: `${learnerIdent}-${k + 1}`,
      reference: aim.reference,
      startDate: aim.startDate,
      plannedEndDate: aim.plannedEndDate,
      actualEndDate: aim.actualEndDate,
      completionStatus: aim.completionStatus,
      outcome: aim.outcome,
      restartOf: aim.restartOf === undefined ? null : `${learnerIdent}-${aim.restartOf + 1}`,
    }));
    const endedLongAgo = programme.endedOn !== null && programme.endedOn < addDays(this.today, -90);
    const systemStatus: SystemStatus = endedLongAgo && random.chance(0.4) ? 'Archived' : 'Live';
    const reviews = random.chance(0.35) ? this.#reviews(learnerIdent, programme, this.officers[mainOfficer].ref, random) : [];

    return {
      learnerIdent,
      lrn: `LRN${pad(index + 1, 7)}`,
      firstName,
      surname,
      dateOfBirth: addDays(addYears(this.today, -random.int(age[0], age[1])), -random.int(0, 364)),
      gender,
      uln: this.#ulns.uln(index),
      email: random.chance(0.98) ? `${slug(firstName)}.${slug(surname)}${index + 1}@${random.pick(LEARNER_MAIL_DOMAINS)}` : null,
      address1: `${random.int(1, 240)} ${random.pick(STREETS)}`,
      address2: random.chance(0.5) ? random.pick(town.localities) : null,
      address3: random.chance(0.3) ? town.county : null,
      address4: town.name,
      postcode: postcode(random.pick(town.outward), random),
      niNumber: random.chance(0.97) ? this.#niNumbers.niNumber(index, random) : null,
      phone: random.chance(0.35) ? `${town.phonePrefix}${pad(random.int(0, 999), 3)}` : null,
      mobile: random.chance(0.9) ? `${MOBILE_PREFIX}${pad(random.int(0, 999), 3)}` : null,
      systemStatus,
      placementOrganisationRef: this.organisations[employerIndex].ref,
      mainOfficerRef: this.officers[mainOfficer].ref,
      officerRoles,
      plannedOtjHours: random.pick(PLANNED_OTJ_HOURS),
      smartAssessorId: null,
      qualifications: aims,
      reviews,
      breaksInLearning: programme.breaks,
    };
  }

  /**
   * The learner's aims for their story: a main standard, often functional skills maths and
   * English, sometimes the programme aim; dates placed around `today`; for a break, an
   * open break in learning, and for a return, the break closed and each aim restarted.
   */
  #programme(
    scenario: Scenario,
    random: Random,
  ): {
    aims: PlannedAim[];
    breaks: Array<{ lastDayInLearning: string; returnDate: string | null }>;
    start: string;
    endedOn: string | null;
  } {
    const today = this.today;
    const months = random.int(12, 24);
    let start: string;
    let endedOn: string | null = null;
    let lastDay: string | null = null;
    let returned: string | null = null;
    switch (scenario) {
      case 'continuing':
        start = earlier(today, addDays(addMonths(today, -random.int(0, months - 1)), -random.int(0, 27)));
        break;
      case 'starting':
        start = addDays(today, random.int(1, 30));
        break;
      case 'completed':
        endedOn = random.chance(0.5) ? addDays(today, -random.int(0, 29)) : addDays(today, -random.int(31, 420));
        start = addDays(addMonths(endedOn, -months), random.int(-20, 20));
        break;
      case 'withdrawn':
        endedOn = random.chance(0.5) ? addDays(today, -random.int(0, 29)) : addDays(today, -random.int(31, 360));
        start = addDays(addMonths(endedOn, -random.int(1, 10)), -random.int(0, 20));
        break;
      case 'onBreak':
        lastDay = addDays(today, -random.int(1, 150));
        start = addDays(addMonths(lastDay, -random.int(2, 14)), -random.int(0, 20));
        break;
      case 'returned':
        returned = addDays(today, -random.int(7, 300));
        lastDay = addDays(returned, -random.int(30, 180));
        start = addDays(addMonths(lastDay, -random.int(2, 12)), -random.int(0, 20));
        break;
    }

    const plan = (reference: string, aimStart: string, aimMonths: number, functionalSkill: boolean): PlannedAim => {
      const plannedEndDate = addMonths(aimStart, aimMonths);
      const aim: PlannedAim = { reference, startDate: aimStart, plannedEndDate, actualEndDate: null, completionStatus: 1, outcome: null };
      const passedEarly = functionalSkill && plannedEndDate < today && random.chance(0.75);
      if (passedEarly && (lastDay === null || plannedEndDate <= lastDay) && (endedOn === null || plannedEndDate <= endedOn)) {
        return { ...aim, actualEndDate: later(aimStart, addDays(plannedEndDate, -random.int(0, 20))), completionStatus: 2, outcome: 1 };
      }
      if (scenario === 'completed') {
        const outcome: Outcome = functionalSkill
          ? 1
          : random.weighted<Outcome>([
              [1, 75],
              [8, 25],
            ]);
        return { ...aim, actualEndDate: later(aimStart, endedOn!), completionStatus: 2, outcome };
      }
      if (scenario === 'withdrawn') return { ...aim, actualEndDate: later(aimStart, endedOn!), completionStatus: 3, outcome: 3 };
      if (lastDay !== null) return { ...aim, actualEndDate: later(aimStart, lastDay), completionStatus: 6 };
      return aim;
    };
    const fsStart = () => {
      const fs = addDays(start, random.int(0, 60));
      const cap = endedOn ?? lastDay;
      return cap === null ? fs : earlier(fs, later(start, cap));
    };

    const aims: PlannedAim[] = [plan(random.pick(STANDARDS), start, months, false)];
    if (random.chance(0.15)) aims.push(plan(PROGRAMME, start, months, false));
    if (random.chance(0.55)) aims.push(plan(MATHS, fsStart(), random.int(6, 12), true));
    if (random.chance(0.45)) aims.push(plan(ENGLISH, fsStart(), random.int(6, 12), true));

    const breaks: Array<{ lastDayInLearning: string; returnDate: string | null }> = [];
    if (lastDay !== null) breaks.push({ lastDayInLearning: lastDay, returnDate: returned });
    if (returned !== null) {
      const onBreak = aims.map((aim, k) => [aim, k] as const).filter(([aim]) => aim.completionStatus === 6);
      for (const [aim, k] of onBreak) {
        const remaining = Math.max(3, Math.round((Date.parse(aim.plannedEndDate) - Date.parse(lastDay!)) / (30.44 * 86_400_000)));
        aims.push({
          reference: aim.reference,
          startDate: returned,
          plannedEndDate: addMonths(returned, remaining),
          actualEndDate: null,
          completionStatus: 1,
          outcome: null,
          restartOf: k,
        });
      }
    }
    return { aims, breaks, start, endedOn };
  }

  /** An induction at the start, progress reviews every twelve weeks, sometimes a tripartite, an exit review at the end. */
  #reviews(learnerIdent: string, programme: { start: string; endedOn: string | null }, officerRef: string, random: Random): ImportReview[] {
    const planned: Array<[string, string]> = [['IND', programme.start]];
    const horizon = earlier(programme.endedOn ?? addDays(this.today, 45), addDays(this.today, 45));
    for (let week = 12; planned.length < 4; week += 12) {
      const date = addDays(programme.start, week * 7);
      if (date > horizon) break;
      planned.push(['PR', date]);
    }
    if (random.chance(0.3)) {
      const tripartite = addDays(programme.start, 18 * 7);
      if (tripartite <= horizon) planned.push(['TR', tripartite]);
    }
    if (programme.endedOn !== null) planned.push(['EXIT', programme.endedOn]);
    return planned.map(([reviewType, plannedDate], k) => {
      const attendedStatus: AttendedStatus =
        plannedDate > this.today
          ? 'Unknown'
          : random.weighted<AttendedStatus>([
              ['Attended', 85],
              ['NotAttended', 8],
              ['Cancelled', 7],
            ]);
      return {
        reviewIdent: `${learnerIdent}-R${k + 1}`,
        reviewType,
        plannedDate,
        actualDate: attendedStatus === 'Attended' ? plannedDate : null,
        officerRef,
        attendedStatus,
        notes: attendedStatus === 'Attended' ? random.pick(REVIEW_NOTES) : null,
        smartAssessorSystemId: null,
      };
    });
  }
}

/** The whole demo document in memory; for large N use `writeDemoProvider`. */
export function generateDemoProvider(options: DemoOptions): ImportDocument {
  const provider = new DemoProvider(options);
  return {
    reviewTypes: provider.reviewTypes,
    qualifications: provider.qualifications,
    organisations: [...provider.organisations],
    officers: [...provider.officers],
    learners: [...provider.learners()],
    settings: provider.settings,
  };
}

const LEARNERS_PER_WRITE = 500;

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** Writes the same document as `generateDemoProvider`, learner by learner, honouring back-pressure. */
export async function writeDemoProvider(out: Writable, source: DemoOptions | DemoProvider): Promise<void> {
  const provider = source instanceof DemoProvider ? source : new DemoProvider(source);
  const head = JSON.stringify({
    reviewTypes: provider.reviewTypes,
    qualifications: provider.qualifications,
    organisations: provider.organisations,
    officers: provider.officers,
  });
  await write(out, `${head.slice(0, -1)},"learners":[\n`);
  let batch: string[] = [];
  let first = true;
  for (const learner of provider.learners()) {
    batch.push(JSON.stringify(learner));
    if (batch.length === LEARNERS_PER_WRITE) {
      await write(out, (first ? '' : ',\n') + batch.join(',\n'));
      first = false;
      batch = [];
    }
  }
  if (batch.length > 0) await write(out, (first ? '' : ',\n') + batch.join(',\n'));
  await write(out, `\n],"settings":${JSON.stringify(provider.settings)}}\n`);
}
