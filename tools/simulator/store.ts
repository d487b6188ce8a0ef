import { randomBytes } from 'node:crypto';
import { normaliseQualificationReference } from '../../src/sync/normalise.js';
import { DEMO_QUALIFICATIONS } from '../demo/catalogue.js';
import type {
  AssessorCreate,
  AssessorUpdate,
  EmployerCreate,
  EmployerUpdate,
  LearnerCourseCreate,
  LearnerCourseUpdate,
  LearnerCreate,
  LearnerUpdate,
  Page,
} from '../../src/smart-assessor/types.js';
import { advanceDay, type DaySummary } from './advance-day.js';
import { SeededRandom } from './random.js';
import type { AssessorRecord, CourseRecord, EmployerRecord, LearnerCourseRecord, LearnerRecord, SessionRecord } from './records.js';
import { seedStore, type SeedDocument, type SeedResult } from './seed.js';

/** A create's body, or a record made by hand in Smart Assessor, which has no misReference (tests seed those, see seed.ts). */
export type MadeByHand<T extends { misReference: string }> = Omit<T, 'misReference'> & { misReference: string | null };

/** A failure the simulator answers in the contract's `Error` shape. */
export class SimulatorError extends Error {
  constructor(
    readonly status: number,
    readonly code: 'validation_failed' | 'unauthorized' | 'not_found' | 'duplicate' | 'rate_limited' | 'internal' | 'unavailable',
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'SimulatorError';
  }
}

export interface SimulatorCredentials {
  username: string;
  password: string;
  clientKey: string;
}

/** What the simulator has seen, for tests and the benchmark. */
export interface SimulatorCounters {
  /** Requests to the API (control routes not counted). */
  requests: number;
  byOperation: Record<string, number>;
  byStatus: Record<string, number>;
  /** 429s for the real rate limit. */
  rateLimited: number;
  /** Injected faults, by kind. */
  injected: { errors: number; timeouts: number; rateLimited: number; malformed: number; outage: number };
  tokensIssued: number;
  /** 401s for a missing, unknown or expired token. */
  tokenRefused: number;
  /** 400s for requests the contract does not allow. */
  invalidRequests: number;
  welcomeEmails: number;
}

export interface RecordedRequest {
  operationId: string;
  method: string;
  /** Under the API root, e.g. `/learners/lrn-1/courses`. */
  path: string;
  query: Record<string, string | string[]>;
  /** As sent, with the credentials of a token request redacted. */
  body: unknown;
  status: number;
}

export interface StoreOptions {
  credentials: SimulatorCredentials;
  tokenTtlSeconds: number;
  seed: number;
  /** The simulated date `advanceDay` moves on from (YYYY-MM-DD). */
  today: string;
  recordRequests: boolean;
}

/** Courses Smart Assessor has that the demo MIS does not. */
const EXTRA_COURSES: readonly { qanCode: string; title: string; active: boolean }[] = [
  { qanCode: 'ST0264', title: 'Property Maintenance Operative (Level 2)', active: true },
  { qanCode: '60054321', title: 'Award in Health and Safety in the Workplace (Level 2), withdrawn', active: false },
];

/**
 * The simulated site's state: records with their misReference indexes, tokens, counters
 * and, in test mode, the requests received. Every change to a record goes through here.
 */
export class SimulatorStore {
  readonly courses = new Map<string, CourseRecord>();
  readonly employers = new Map<string, EmployerRecord>();
  readonly assessors = new Map<string, AssessorRecord>();
  readonly learners = new Map<string, LearnerRecord>();
  readonly counters: SimulatorCounters = emptyCounters();
  readonly recorded: RecordedRequest[] = [];
  credentials: SimulatorCredentials;
  tokenTtlSeconds: number;
  recordRequests: boolean;
  /** The simulated date; `advanceDay` moves it on. */
  today: string;

  private readonly employerByRef = new Map<string, string>();
  private readonly assessorByRef = new Map<string, string>();
  private readonly learnerByRef = new Map<string, string>();
  /** One id per ULN almost always; a list only where learners share one. */
  private readonly learnerByUln = new Map<string, string | string[]>();
  private readonly learnerCourseByRef = new Map<string, string>();
  private readonly learnerCourseIds = new Set<string>();
  private readonly tokens = new Map<string, number>();
  private readonly sequences = { employer: 0, assessor: 0, learner: 0, learnerCourse: 0, session: 0 };
  readonly dayRandom: SeededRandom;

  constructor(options: StoreOptions) {
    this.credentials = { ...options.credentials };
    this.tokenTtlSeconds = options.tokenTtlSeconds;
    this.recordRequests = options.recordRequests;
    this.today = options.today;
    this.dayRandom = new SeededRandom(options.seed ^ 0x5eed);
    this.loadCatalogue();
  }

  // ---- tokens -------------------------------------------------------------------------

  issueToken(now = Date.now()): { accessToken: string; expiresIn: number } {
    if (this.tokens.size >= 1000) for (const [token, expiresAt] of this.tokens) if (expiresAt <= now) this.tokens.delete(token);
    const accessToken = randomBytes(24).toString('base64url');
    this.tokens.set(accessToken, now + this.tokenTtlSeconds * 1000);
    this.counters.tokensIssued += 1;
    return { accessToken, expiresIn: this.tokenTtlSeconds };
  }

  tokenIsValid(token: string, now = Date.now()): boolean {
    const expiresAt = this.tokens.get(token);
    return expiresAt !== undefined && expiresAt > now;
  }

  /** Every token issued so far stops working at once (as when a site rotates its keys). */
  expireTokens(): number {
    const count = this.tokens.size;
    this.tokens.clear();
    return count;
  }

  credentialsMatch(given: SimulatorCredentials): boolean {
    return given.username === this.credentials.username && given.password === this.credentials.password && given.clientKey === this.credentials.clientKey;
  }

  // ---- counters -----------------------------------------------------------------------

  /** Zeroes the counters and forgets the recorded requests (a benchmark's fresh start). */
  resetCounters(): void {
    Object.assign(this.counters, emptyCounters());
    this.recorded.length = 0;
  }

  countAnswer(status: number): void {
    this.counters.byStatus[status] = (this.counters.byStatus[status] ?? 0) + 1;
  }

  stats(): { courses: number; employers: number; assessors: number; learners: number; learnerCourses: number; sessions: number } {
    let sessions = 0;
    for (const learner of this.learners.values()) sessions += learner.sessions.length;
    return {
      courses: this.courses.size,
      employers: this.employers.size,
      assessors: this.assessors.size,
      learners: this.learners.size,
      learnerCourses: this.learnerCourseIds.size,
      sessions,
    };
  }

  // ---- courses ------------------------------------------------------------------------

  listCourses(filter: { qanCode?: string }, page: number, pageSize: number): Page<CourseRecord> {
    const all = [...this.courses.values()].filter((course) => filter.qanCode === undefined || course.qanCode === filter.qanCode);
    return slice(all, all.length, page, pageSize);
  }

  courseByQanCode(qanCode: string): CourseRecord | undefined {
    for (const course of this.courses.values()) if (course.qanCode === qanCode) return course;
    return undefined;
  }

  // ---- employers ----------------------------------------------------------------------

  listEmployers(filter: { misReference?: string; edrsNumber?: string; name?: string }, page: number, pageSize: number): Page<EmployerRecord> {
    if (filter.misReference !== undefined) {
      const id = this.employerByRef.get(filter.misReference);
      const found = id ? [this.employers.get(id)!] : [];
      return slice(
        found.filter((e) => matchesEmployer(e, filter)),
        undefined,
        page,
        pageSize,
      );
    }
    if (filter.edrsNumber === undefined && filter.name === undefined) return slice(this.employers.values(), this.employers.size, page, pageSize);
    return slice(
      [...this.employers.values()].filter((e) => matchesEmployer(e, filter)),
      undefined,
      page,
      pageSize,
    );
  }

  getEmployer(id: string): EmployerRecord {
    const employer = this.employers.get(id);
    if (!employer) throw new SimulatorError(404, 'not_found', `No employer has id ${id}`);
    return employer;
  }

  createEmployer(body: MadeByHand<EmployerCreate> & { id?: string }, now = Date.now()): EmployerRecord {
    this.refuseDuplicate('employer', this.employerByRef, body.misReference);
    const employer: EmployerRecord = {
      id: this.newId('employer', body.id, this.employers),
      misReference: body.misReference,
      name: body.name,
      phone: body.phone ?? null,
      edrsNumber: body.edrsNumber ?? null,
      address1: body.address1 ?? null,
      address2: body.address2 ?? null,
      address3: body.address3 ?? null,
      address4: body.address4 ?? null,
      postcode: body.postcode ?? null,
      website: body.website ?? null,
      employerSize: body.employerSize ?? null,
      updatedAt: now,
    };
    this.employers.set(employer.id, employer);
    this.indexRef(this.employerByRef, body.misReference, employer.id);
    return employer;
  }

  updateEmployer(id: string, patch: EmployerUpdate, now = Date.now()): EmployerRecord {
    const employer = this.getEmployer(id);
    applyPatch(employer, patch, ['name', 'phone', 'edrsNumber', 'address1', 'address2', 'address3', 'address4', 'postcode', 'website', 'employerSize']);
    employer.updatedAt = now;
    return employer;
  }

  // ---- assessors ----------------------------------------------------------------------

  listAssessors(filter: { misReference?: string; email?: string }, page: number, pageSize: number): Page<AssessorRecord> {
    const email = filter.email?.toLowerCase();
    const matches = (assessor: AssessorRecord): boolean => email === undefined || assessor.email.toLowerCase() === email;
    if (filter.misReference !== undefined) {
      const id = this.assessorByRef.get(filter.misReference);
      return slice((id ? [this.assessors.get(id)!] : []).filter(matches), undefined, page, pageSize);
    }
    if (email === undefined) return slice(this.assessors.values(), this.assessors.size, page, pageSize);
    return slice([...this.assessors.values()].filter(matches), undefined, page, pageSize);
  }

  getAssessor(id: string): AssessorRecord {
    const assessor = this.assessors.get(id);
    if (!assessor) throw new SimulatorError(404, 'not_found', `No assessor has id ${id}`);
    return assessor;
  }

  createAssessor(body: MadeByHand<AssessorCreate> & { id?: string }, now = Date.now()): AssessorRecord {
    this.refuseDuplicate('assessor', this.assessorByRef, body.misReference);
    const assessor: AssessorRecord = {
      id: this.newId('assessor', body.id, this.assessors),
      misReference: body.misReference,
      firstName: body.firstName,
      surname: body.surname,
      email: body.email,
      phone: body.phone ?? null,
      mobile: body.mobile ?? null,
      updatedAt: now,
    };
    this.assessors.set(assessor.id, assessor);
    this.indexRef(this.assessorByRef, body.misReference, assessor.id);
    return assessor;
  }

  updateAssessor(id: string, patch: AssessorUpdate, now = Date.now()): AssessorRecord {
    const assessor = this.getAssessor(id);
    applyPatch(assessor, patch, ['firstName', 'surname', 'email', 'phone', 'mobile']);
    assessor.updatedAt = now;
    return assessor;
  }

  // ---- learners -----------------------------------------------------------------------

  listLearners(filter: { misReference?: string; uln?: string }, page: number, pageSize: number): Page<LearnerRecord> {
    const matchesUln = (learner: LearnerRecord): boolean => filter.uln === undefined || learner.uln === filter.uln;
    if (filter.misReference !== undefined) {
      const id = this.learnerByRef.get(filter.misReference);
      return slice((id ? [this.learners.get(id)!] : []).filter(matchesUln), undefined, page, pageSize);
    }
    if (filter.uln !== undefined) {
      const indexed = this.learnerByUln.get(filter.uln);
      const ids = indexed === undefined ? [] : typeof indexed === 'string' ? [indexed] : indexed;
      return slice(
        ids.map((id) => this.learners.get(id)!),
        undefined,
        page,
        pageSize,
      );
    }
    return slice(this.learners.values(), this.learners.size, page, pageSize);
  }

  getLearner(id: string): LearnerRecord {
    const learner = this.learners.get(id);
    if (!learner) throw new SimulatorError(404, 'not_found', `No learner has id ${id}`);
    return learner;
  }

  createLearner(body: MadeByHand<LearnerCreate> & { id?: string }, now = Date.now()): LearnerRecord {
    this.refuseDuplicate('learner', this.learnerByRef, body.misReference);
    this.requireLinks({ employerId: body.employerId, assessorId: body.assessorId });
    const learner: LearnerRecord = {
      id: this.newId('learner', body.id, this.learners),
      misReference: body.misReference,
      studentId: body.studentId ?? null,
      firstName: body.firstName,
      surname: body.surname,
      dateOfBirth: body.dateOfBirth,
      gender: body.gender ?? null,
      uln: body.uln ?? null,
      email: body.email,
      address1: body.address1 ?? null,
      address2: body.address2 ?? null,
      address3: body.address3 ?? null,
      address4: body.address4 ?? null,
      postcode: body.postcode ?? null,
      niNumber: body.niNumber ?? null,
      phone: body.phone ?? null,
      mobile: body.mobile ?? null,
      employerId: body.employerId,
      assessorId: body.assessorId,
      status: 'Active',
      statusEffectiveDate: null,
      smartCoach: null,
      welcomeEmailSent: body.sendWelcomeEmail === true,
      plannedOtjHours: null,
      actualOtjHours: 0,
      otjUpdatedAt: now,
      courses: [],
      sessions: [],
      createdAt: now,
      updatedAt: now,
    };
    if (learner.welcomeEmailSent) this.counters.welcomeEmails += 1;
    this.learners.set(learner.id, learner);
    this.indexRef(this.learnerByRef, body.misReference, learner.id);
    this.indexUln(learner);
    return learner;
  }

  updateLearner(id: string, patch: LearnerUpdate, now = Date.now()): LearnerRecord {
    const learner = this.getLearner(id);
    this.requireLinks({ employerId: patch.employerId, assessorId: patch.assessorId });
    this.unindexUln(learner);
    applyPatch(learner, patch, [
      'firstName',
      'surname',
      'dateOfBirth',
      'gender',
      'uln',
      'email',
      'address1',
      'address2',
      'address3',
      'address4',
      'postcode',
      'niNumber',
      'phone',
      'mobile',
      'studentId',
      'employerId',
      'assessorId',
      'statusEffectiveDate',
    ]);
    this.indexUln(learner);
    if (patch.status !== undefined && patch.status !== learner.status) {
      learner.status = patch.status;
      learner.statusEffectiveDate = patch.statusEffectiveDate ?? this.today;
    }
    learner.updatedAt = now;
    return learner;
  }

  // ---- learner courses ----------------------------------------------------------------

  enrolLearnerOnCourse(learnerId: string, body: LearnerCourseCreate & { id?: string }, now = Date.now()): LearnerCourseRecord {
    const learner = this.getLearner(learnerId);
    this.refuseDuplicate('learner course', this.learnerCourseByRef, body.misReference);
    const course = this.courses.get(body.courseId);
    const fields: Record<string, string> = {};
    if (!course) fields.courseId = 'is not a course of this site';
    else if (!course.active) fields.courseId = 'is a course that is no longer open for enrolment';
    if (!this.assessors.has(body.primaryAssessorId)) fields.primaryAssessorId = 'is not an assessor of this site';
    if (body.secondaryAssessorId && !this.assessors.has(body.secondaryAssessorId)) fields.secondaryAssessorId = 'is not an assessor of this site';
    if (body.plannedEndDate < body.startDate) fields.plannedEndDate = 'is before the start date';
    if (Object.keys(fields).length > 0 || !course) throw invalid(fields);
    const id = body.id ?? `lc-${++this.sequences.learnerCourse}`;
    if (this.learnerCourseIds.has(id)) throw new SimulatorError(400, 'validation_failed', `Learner course id ${id} is taken`, { fields: { id: 'is taken' } });
    const record: LearnerCourseRecord = {
      id,
      course,
      misReference: body.misReference,
      startDate: body.startDate,
      plannedEndDate: body.plannedEndDate,
      actualEndDate: null,
      status: 'AwaitingInduction',
      completionStatus: null,
      outcome: null,
      primaryAssessorId: body.primaryAssessorId,
      secondaryAssessorId: body.secondaryAssessorId ?? null,
      elementsTotal: course.elementsTotal,
      elementsDone: 0,
      updatedAt: now,
    };
    learner.courses.push(record);
    this.learnerCourseIds.add(id);
    this.learnerCourseByRef.set(body.misReference, id);
    return record;
  }

  getLearnerCourse(learnerId: string, learnerCourseId: string): LearnerCourseRecord {
    const course = this.getLearner(learnerId).courses.find((item) => item.id === learnerCourseId);
    if (!course) throw new SimulatorError(404, 'not_found', `Learner ${learnerId} has no course ${learnerCourseId}`);
    return course;
  }

  updateLearnerCourse(learnerId: string, learnerCourseId: string, patch: LearnerCourseUpdate, now = Date.now()): LearnerCourseRecord {
    const course = this.getLearnerCourse(learnerId, learnerCourseId);
    const fields: Record<string, string> = {};
    if (patch.primaryAssessorId !== undefined && !this.assessors.has(patch.primaryAssessorId)) fields.primaryAssessorId = 'is not an assessor of this site';
    if (patch.secondaryAssessorId && !this.assessors.has(patch.secondaryAssessorId)) fields.secondaryAssessorId = 'is not an assessor of this site';
    if (Object.keys(fields).length > 0) throw invalid(fields);
    applyPatch(course, patch, ['status', 'plannedEndDate', 'actualEndDate', 'completionStatus', 'outcome', 'primaryAssessorId', 'secondaryAssessorId']);
    course.updatedAt = now;
    return course;
  }

  // ---- sessions and OTJ ---------------------------------------------------------------

  listLearnerSessions(learnerId: string, filter: { updatedSince?: string }, page: number, pageSize: number) {
    const since = filter.updatedSince === undefined ? undefined : Date.parse(filter.updatedSince);
    const sessions = this.getLearner(learnerId)
      .sessions.filter((session) => since === undefined || session.updatedAt >= since)
      .sort((a, b) => a.updatedAt - b.updatedAt);
    return slice(sessions, sessions.length, page, pageSize);
  }

  newSessionId(): string {
    return `ses-${++this.sequences.session}`;
  }

  /**
   * Books a session for a learner directly (tests set up the sessions they need with
   * this); unset fields take the values a freshly booked session has.
   */
  addSession(learnerId: string, fields: Partial<Omit<SessionRecord, 'id' | 'startTime' | 'updatedAt'>> & { startTime: string | number }, now = Date.now()): SessionRecord {
    const learner = this.getLearner(learnerId);
    const startTime = typeof fields.startTime === 'number' ? fields.startTime : Date.parse(fields.startTime);
    if (Number.isNaN(startTime)) throw new RangeError(`addSession: startTime "${String(fields.startTime)}" is not a timestamp`);
    const session: SessionRecord = {
      sessionType: 'FormalReview',
      title: 'Progress review',
      durationMinutes: 60,
      assessorId: learner.assessorId,
      learnerCourseId: learner.courses[0]?.id ?? null,
      status: null,
      planningNotes: null,
      feedback: null,
      comments: null,
      ...fields,
      id: this.newSessionId(),
      startTime,
      updatedAt: now,
    };
    learner.sessions.push(session);
    return session;
  }

  /** Adds a course to the site's catalogue (e.g. one the MIS does not know). */
  addCourse(fields: { qanCode: string; title: string; active?: boolean; elementsTotal?: number }): CourseRecord {
    const id = `crs-${this.courses.size + 1}`;
    const course: CourseRecord = { id, qanCode: fields.qanCode, title: fields.title, active: fields.active ?? true, elementsTotal: fields.elementsTotal ?? 40 };
    this.courses.set(id, course);
    return course;
  }

  setLearnerPlannedOtj(learnerId: string, plannedHours: number, now = Date.now()): LearnerRecord {
    const learner = this.getLearner(learnerId);
    learner.plannedOtjHours = plannedHours;
    learner.otjUpdatedAt = now;
    return learner;
  }

  // ---- seeding and simulated days -----------------------------------------------------

  /** Creates employers, assessors and enrolled learners directly, all or nothing (see seed.ts). */
  seed(document: SeedDocument): SeedResult {
    return seedStore(this, document);
  }

  /** One simulated day of activity for every active learner (see advance-day.ts). */
  advanceDay(): DaySummary {
    return advanceDay(this, this.dayRandom);
  }

  /** Whether an id or misReference is free; the seeder checks a whole document before writing any of it. */
  has(kind: 'employer' | 'assessor' | 'learner' | 'learnerCourse', by: 'id' | 'misReference', value: string): boolean {
    if (by === 'id') {
      if (kind === 'employer') return this.employers.has(value);
      if (kind === 'assessor') return this.assessors.has(value);
      if (kind === 'learner') return this.learners.has(value);
      return this.learnerCourseIds.has(value);
    }
    if (kind === 'employer') return this.employerByRef.has(value);
    if (kind === 'assessor') return this.assessorByRef.has(value);
    if (kind === 'learner') return this.learnerByRef.has(value);
    return this.learnerCourseByRef.has(value);
  }

  employerIdByRef(misReference: string): string | undefined {
    return this.employerByRef.get(misReference);
  }

  assessorIdByRef(misReference: string): string | undefined {
    return this.assessorByRef.get(misReference);
  }

  private loadCatalogue(): void {
    const catalogue = [
      ...DEMO_QUALIFICATIONS.filter((q) => q.supportedInSmartAssessor).map((q) => ({
        qanCode: normaliseQualificationReference(q.reference),
        title: q.title,
        active: true,
      })),
      ...EXTRA_COURSES,
    ];
    catalogue.forEach((entry, index) => {
      const id = `crs-${index + 1}`;
      // Standards have more criteria than functional skills; fixed per course so runs repeat.
      const elementsTotal = entry.qanCode.startsWith('ST') ? 60 + ((index * 17) % 60) : 20 + ((index * 7) % 20);
      this.courses.set(id, { id, ...entry, elementsTotal });
    });
  }

  private refuseDuplicate(kind: string, index: Map<string, string>, misReference: string | null): void {
    if (misReference === null) return;
    const existingId = index.get(misReference);
    if (existingId !== undefined) {
      throw new SimulatorError(409, 'duplicate', `A ${kind} with misReference ${misReference} already exists`, { existingId });
    }
  }

  private indexRef(index: Map<string, string>, misReference: string | null, id: string): void {
    if (misReference !== null) index.set(misReference, id);
  }

  private requireLinks(links: { employerId?: string; assessorId?: string }): void {
    const employerKnown = links.employerId === undefined || this.employers.has(links.employerId);
    const assessorKnown = links.assessorId === undefined || this.assessors.has(links.assessorId);
    if (employerKnown && assessorKnown) return;
    const fields: Record<string, string> = {};
    if (links.employerId !== undefined && !this.employers.has(links.employerId)) fields.employerId = 'is not an employer of this site';
    if (links.assessorId !== undefined && !this.assessors.has(links.assessorId)) fields.assessorId = 'is not an assessor of this site';
    if (Object.keys(fields).length > 0) throw invalid(fields);
  }

  private newId(kind: 'employer' | 'assessor' | 'learner', wanted: string | undefined, taken: Map<string, unknown>): string {
    if (wanted !== undefined) {
      if (taken.has(wanted)) throw new SimulatorError(400, 'validation_failed', `${kind} id ${wanted} is taken`, { fields: { id: 'is taken' } });
      return wanted;
    }
    const prefix = { employer: 'emp', assessor: 'asr', learner: 'lrn' }[kind];
    let id: string;
    do id = `${prefix}-${++this.sequences[kind]}`;
    while (taken.has(id));
    return id;
  }

  private indexUln(learner: LearnerRecord): void {
    if (!learner.uln) return;
    const indexed = this.learnerByUln.get(learner.uln);
    if (indexed === undefined) this.learnerByUln.set(learner.uln, learner.id);
    else if (typeof indexed === 'string') this.learnerByUln.set(learner.uln, [indexed, learner.id]);
    else indexed.push(learner.id);
  }

  private unindexUln(learner: LearnerRecord): void {
    if (!learner.uln) return;
    const indexed = this.learnerByUln.get(learner.uln);
    if (indexed === learner.id) this.learnerByUln.delete(learner.uln);
    else if (Array.isArray(indexed)) {
      const rest = indexed.filter((id) => id !== learner.id);
      this.learnerByUln.set(learner.uln, rest.length === 1 ? rest[0]! : rest);
    }
  }
}

function emptyCounters(): SimulatorCounters {
  return {
    requests: 0,
    byOperation: {},
    byStatus: {},
    rateLimited: 0,
    injected: { errors: 0, timeouts: 0, rateLimited: 0, malformed: 0, outage: 0 },
    tokensIssued: 0,
    tokenRefused: 0,
    invalidRequests: 0,
    welcomeEmails: 0,
  };
}

function invalid(fields: Record<string, string>): SimulatorError {
  return new SimulatorError(
    400,
    'validation_failed',
    `The request is invalid: ${Object.entries(fields)
      .map(([field, reason]) => `${field} ${reason}`)
      .join('; ')}`,
    { fields },
  );
}

/**
 * PATCH semantics of the contract: absent is unchanged, null clears. Only `keys` are
 * taken, and each must be a field of both the patch and the record.
 */
function applyPatch<T extends object, P extends object>(record: T, patch: P, keys: ReadonlyArray<keyof P & keyof T & string>): void {
  const source = patch as Record<string, unknown>;
  const target = record as Record<string, unknown>;
  for (const key of keys) if (source[key] !== undefined) target[key] = source[key];
}

function matchesEmployer(employer: EmployerRecord, filter: { edrsNumber?: string; name?: string }): boolean {
  if (filter.edrsNumber !== undefined && employer.edrsNumber !== filter.edrsNumber) return false;
  if (filter.name !== undefined && !employer.name.toLowerCase().includes(filter.name.toLowerCase())) return false;
  return true;
}

/** One page of `items`, walking an iterable without copying it when the total is known. */
function slice<T>(items: Iterable<T>, total: number | undefined, page: number, pageSize: number): Page<T> {
  const skip = (page - 1) * pageSize;
  if (Array.isArray(items)) return { items: items.slice(skip, skip + pageSize), page, pageSize, totalItems: items.length };
  const chosen: T[] = [];
  let index = 0;
  let count = 0;
  for (const item of items) {
    if (index >= skip && chosen.length < pageSize) chosen.push(item);
    index += 1;
    count += 1;
    if (total !== undefined && chosen.length === pageSize) break;
  }
  return { items: chosen, page, pageSize, totalItems: total ?? count };
}
