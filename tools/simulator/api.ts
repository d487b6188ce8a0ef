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
import type { SimulatorStore } from './store.js';
import { SimulatorError } from './store.js';
import { renderAssessor, renderCourse, renderEmployer, renderLearner, renderLearnerCourse, renderOtj, renderSession } from './render.js';

/**
 * One handler per operation of the contract. The server has already checked the path,
 * the token, the query and the body against the contract; handlers apply the site's own
 * rules (unknown ids, duplicates) through the store and answer in the contract's shapes.
 */

export interface ApiRequest {
  params: Record<string, string>;
  /** Query parameters, already converted to the declared types. */
  query: Record<string, unknown>;
  body: unknown;
  site: { name: string; rateLimitPerMinute: number };
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

type Handler = (store: SimulatorStore, request: ApiRequest) => ApiAnswer;

const ok = (body: unknown): ApiAnswer => ({ status: 200, body });
const created = (body: unknown): ApiAnswer => ({ status: 201, body });

function paging(query: Record<string, unknown>): [number, number] {
  return [(query.page as number | undefined) ?? 1, (query.pageSize as number | undefined) ?? 100];
}

function page<T>(paged: Page<T>, render: (item: T) => unknown): ApiAnswer {
  return ok({ items: paged.items.map(render), page: paged.page, pageSize: paged.pageSize, totalItems: paged.totalItems });
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export const API_HANDLERS: Record<string, Handler> = {
  getSite: (_store, { site }) => ok({ siteName: site.name, apiVersion: '1.0.0', rateLimitPerMinute: site.rateLimitPerMinute }),

  listCourses: (store, { query }) => page(store.listCourses({ qanCode: text(query.qanCode) }, ...paging(query)), renderCourse),

  listEmployers: (store, { query }) =>
    page(store.listEmployers({ misReference: text(query.misReference), edrsNumber: text(query.edrsNumber), name: text(query.name) }, ...paging(query)), renderEmployer),
  createEmployer: (store, { body }) => created(renderEmployer(store.createEmployer(body as EmployerCreate))),
  getEmployer: (store, { params }) => ok(renderEmployer(store.getEmployer(params.employerId!))),
  updateEmployer: (store, { params, body }) => ok(renderEmployer(store.updateEmployer(params.employerId!, body as EmployerUpdate))),

  listAssessors: (store, { query }) => page(store.listAssessors({ misReference: text(query.misReference), email: text(query.email) }, ...paging(query)), renderAssessor),
  createAssessor: (store, { body }) => created(renderAssessor(store.createAssessor(body as AssessorCreate))),
  getAssessor: (store, { params }) => ok(renderAssessor(store.getAssessor(params.assessorId!))),
  updateAssessor: (store, { params, body }) => ok(renderAssessor(store.updateAssessor(params.assessorId!, body as AssessorUpdate))),

  listLearners: (store, { query }) => page(store.listLearners({ misReference: text(query.misReference), uln: text(query.uln) }, ...paging(query)), renderLearner),
  createLearner: (store, { body }) => created(renderLearner(store.createLearner(body as LearnerCreate))),
  getLearner: (store, { params }) => ok(renderLearner(store.getLearner(params.learnerId!))),
  updateLearner: (store, { params, body }) => ok(renderLearner(store.updateLearner(params.learnerId!, body as LearnerUpdate))),

  listLearnerCourses: (store, { params }) => ok({ items: store.getLearner(params.learnerId!).courses.map((course) => renderLearnerCourse(course, store.today)) }),
  enrolLearnerOnCourse: (store, { params, body }) => created(renderLearnerCourse(store.enrolLearnerOnCourse(params.learnerId!, body as LearnerCourseCreate), store.today)),
  updateLearnerCourse: (store, { params, body }) =>
    ok(renderLearnerCourse(store.updateLearnerCourse(params.learnerId!, params.learnerCourseId!, body as LearnerCourseUpdate), store.today)),

  listLearnerSessions: (store, { params, query }) =>
    page(store.listLearnerSessions(params.learnerId!, { updatedSince: text(query.updatedSince) }, ...paging(query)), renderSession),

  getLearnerOtj: (store, { params }) => ok(renderOtj(store.getLearner(params.learnerId!))),
  setLearnerPlannedOtj: (store, { params, body }) => ok(renderOtj(store.setLearnerPlannedOtj(params.learnerId!, (body as { plannedHours: number }).plannedHours))),
};

/** The token exchange, kept apart: it is the one operation without a bearer token. */
export function createToken(store: SimulatorStore, body: unknown): ApiAnswer {
  const given = body as { username: string; password: string; clientKey: string };
  if (!store.credentialsMatch(given)) throw new SimulatorError(401, 'unauthorized', 'The username, password or client key is wrong');
  const token = store.issueToken();
  return ok({ accessToken: token.accessToken, tokenType: 'Bearer', expiresIn: token.expiresIn });
}
