import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { got, RequestError, type Got } from 'got';
import type { RedisClient } from '../../queues/connection.js';
import type { Logger } from '../logging/logger.js';
import {
  AssessorAnswer,
  AssessorPageAnswer,
  CoursePageAnswer,
  EmployerAnswer,
  EmployerPageAnswer,
  LearnerAnswer,
  LearnerCourseAnswer,
  LearnerCourseListAnswer,
  LearnerPageAnswer,
  OtjAnswer,
  readAnswer,
  SessionPageAnswer,
  SiteAnswer,
  TokenAnswer,
} from './answers.js';
import { SmartAssessorError } from './smart-assessor-error.js';
import { failureFromAnswer } from './failures.js';
import { RequestBudget } from './request-budget.js';
import type {
  Assessor,
  AssessorCreate,
  AssessorUpdate,
  Course,
  Employer,
  EmployerCreate,
  EmployerUpdate,
  Ensured,
  Learner,
  LearnerCourse,
  LearnerCourseCreate,
  LearnerCourseUpdate,
  LearnerCreate,
  LearnerUpdate,
  OtjHours,
  Page,
  Session,
  Site,
  SmartAssessorApi,
} from './types.js';

export interface SmartAssessorRequestEvent {
  /** The contract's operationId. */
  operation: string;
  status: number | 'error';
  ms: number;
}

export interface SmartAssessorClientOptions {
  /** The site's API root, e.g. `https://provider.smartassessor.co.uk/api/v1`. */
  baseUrl: string;
  username: string;
  password: string;
  clientKey: string;
  /** Shares the request budget and the 429 pause with every client of the site; absent: this process only. */
  redis?: RedisClient;
  /** The site's limit; absent: learnt from the X-RateLimit-Limit of the answers. */
  requestsPerMinute?: number;
  /** Per request; default 30 s. */
  timeoutMs?: number;
  logger?: Logger;
  /** Called once per request sent (the token request too), for metrics. */
  onRequest?: (event: SmartAssessorRequestEvent) => void;
  /** Called once per request with how long it waited for the request budget (sent or refused), for metrics. */
  onBudgetWait?: (ms: number) => void;
  /** The share of the site's limit this deployment spends; default 0.95. */
  budgetShare?: number;
  /** The longest a call waits for budget before throwing rate-limited; default 10 s. */
  maxBudgetWaitMs?: number;
  /** The Redis key of the site's budget; default derived from the base URL and username, so every client of a site shares it. */
  budgetKey?: string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';
type Query = Record<string, string | number | undefined>;

interface Request {
  operation: string;
  method: Method;
  path: string;
  query?: Query;
  json?: unknown;
}

interface Answer {
  status: number;
  body: string;
  retryAfter?: string;
}

const PAGE_SIZE = 500;
const MAX_PAGES = 10_000;

/**
 * The one way the product talks to Smart Assessor. It never retries a failure itself
 * (the queues' backoff does), except for authenticating again once after a 401. Every
 * answer is checked against the contract before it is handed on. Credentials and tokens
 * stay inside: they are never logged, and errors carry no request options.
 */
export class SmartAssessorClient implements SmartAssessorApi {
  private readonly http: Got;
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly budget: RequestBudget;
  /** `requestedAt` (performance.now()) is when the token request left: what a 401 is measured against. */
  private token: { value: string; renewAt: number; requestedAt: number } | undefined;
  private authenticating: { token: Promise<string>; requestedAt: number } | undefined;

  constructor(private readonly options: SmartAssessorClientOptions) {
    if (!/^https?:\/\//.test(options.baseUrl)) throw new Error(`The Smart Assessor base URL must be http(s)://…, got "${options.baseUrl}"`);
    this.agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };
    this.http = got.extend({
      prefixUrl: options.baseUrl.replace(/\/+$/, '') + '/',
      timeout: { request: options.timeoutMs ?? 30_000 },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      // The contract's answers are small JSON; decompressing streams costs more CPU than it saves.
      decompress: false,
      responseType: 'text',
      agent: this.agents,
      headers: { accept: 'application/json', 'user-agent': 'smart-assessor-integration' },
    });
    this.budget = new RequestBudget({
      redis: options.redis,
      key: options.budgetKey ?? defaultBudgetKey(options.baseUrl, options.username),
      requestsPerMinute: options.requestsPerMinute,
      share: options.budgetShare,
      maxWaitMs: options.maxBudgetWaitMs,
    });
  }

  /** Lets go of idle connections. */
  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  getSite(): Promise<Site> {
    return this.call({ operation: 'getSite', method: 'GET', path: 'site' }, SiteAnswer);
  }

  listCourses(filter: { qanCode?: string } = {}): Promise<Course[]> {
    return this.everyPage<Course>({ operation: 'listCourses', method: 'GET', path: 'courses', query: { qanCode: filter.qanCode } }, CoursePageAnswer);
  }

  listEmployers(filter: { misReference?: string; edrsNumber?: string; name?: string; page?: number; pageSize?: number } = {}): Promise<Page<Employer>> {
    return this.call({ operation: 'listEmployers', method: 'GET', path: 'employers', query: { ...filter } }, EmployerPageAnswer);
  }

  getEmployer(id: string): Promise<Employer> {
    return this.call({ operation: 'getEmployer', method: 'GET', path: `employers/${segment(id)}` }, EmployerAnswer);
  }

  async ensureEmployer(body: EmployerCreate): Promise<Ensured> {
    const found = await this.listEmployers({ misReference: body.misReference, pageSize: 10 });
    return this.ensure(found.items, body.misReference, { operation: 'createEmployer', method: 'POST', path: 'employers', json: body }, EmployerAnswer);
  }

  updateEmployer(id: string, patch: EmployerUpdate): Promise<Employer> {
    return this.call({ operation: 'updateEmployer', method: 'PATCH', path: `employers/${segment(id)}`, json: patch }, EmployerAnswer);
  }

  listAssessors(filter: { misReference?: string; email?: string; page?: number; pageSize?: number } = {}): Promise<Page<Assessor>> {
    return this.call({ operation: 'listAssessors', method: 'GET', path: 'assessors', query: { ...filter } }, AssessorPageAnswer);
  }

  getAssessor(id: string): Promise<Assessor> {
    return this.call({ operation: 'getAssessor', method: 'GET', path: `assessors/${segment(id)}` }, AssessorAnswer);
  }

  async ensureAssessor(body: AssessorCreate): Promise<Ensured> {
    const found = await this.listAssessors({ misReference: body.misReference, pageSize: 10 });
    return this.ensure(found.items, body.misReference, { operation: 'createAssessor', method: 'POST', path: 'assessors', json: body }, AssessorAnswer);
  }

  updateAssessor(id: string, patch: AssessorUpdate): Promise<Assessor> {
    return this.call({ operation: 'updateAssessor', method: 'PATCH', path: `assessors/${segment(id)}`, json: patch }, AssessorAnswer);
  }

  listLearners(filter: { misReference?: string; uln?: string; page?: number; pageSize?: number } = {}): Promise<Page<Learner>> {
    return this.call({ operation: 'listLearners', method: 'GET', path: 'learners', query: { ...filter } }, LearnerPageAnswer);
  }

  getLearner(id: string): Promise<Learner> {
    return this.call({ operation: 'getLearner', method: 'GET', path: `learners/${segment(id)}` }, LearnerAnswer);
  }

  async ensureLearner(body: LearnerCreate): Promise<Ensured> {
    const found = await this.listLearners({ misReference: body.misReference, pageSize: 10 });
    return this.ensure(found.items, body.misReference, { operation: 'createLearner', method: 'POST', path: 'learners', json: body }, LearnerAnswer);
  }

  updateLearner(id: string, patch: LearnerUpdate): Promise<Learner> {
    return this.call({ operation: 'updateLearner', method: 'PATCH', path: `learners/${segment(id)}`, json: patch }, LearnerAnswer);
  }

  async listLearnerCourses(learnerId: string): Promise<LearnerCourse[]> {
    const answer = await this.call<{ items: LearnerCourse[] }>(
      { operation: 'listLearnerCourses', method: 'GET', path: `learners/${segment(learnerId)}/courses` },
      LearnerCourseListAnswer,
    );
    return answer.items;
  }

  async ensureLearnerCourse(learnerId: string, body: LearnerCourseCreate): Promise<Ensured> {
    const courses = await this.listLearnerCourses(learnerId);
    const ensured = await this.ensure(
      courses,
      body.misReference,
      { operation: 'enrolLearnerOnCourse', method: 'POST', path: `learners/${segment(learnerId)}/courses`, json: body },
      LearnerCourseAnswer,
    );
    if (ensured.created || courses.some((course) => course.id === ensured.id)) return ensured;
    // A 409's existing course must be this learner's: misReference is unique across the site, not per learner.
    const now = await this.listLearnerCourses(learnerId);
    if (now.some((course) => course.id === ensured.id)) return ensured;
    throw new SmartAssessorError(
      'permanent',
      `Smart Assessor already has a course with misReference ${body.misReference} (id ${ensured.id}), but not on learner ${learnerId}; check which learner the aim belongs to`,
      { operation: 'enrolLearnerOnCourse', status: 409, existingId: ensured.id },
    );
  }

  updateLearnerCourse(learnerId: string, learnerCourseId: string, patch: LearnerCourseUpdate): Promise<LearnerCourse> {
    return this.call(
      { operation: 'updateLearnerCourse', method: 'PATCH', path: `learners/${segment(learnerId)}/courses/${segment(learnerCourseId)}`, json: patch },
      LearnerCourseAnswer,
    );
  }

  listLearnerSessions(learnerId: string, filter: { updatedSince?: string } = {}): Promise<Session[]> {
    return this.everyPage<Session>(
      { operation: 'listLearnerSessions', method: 'GET', path: `learners/${segment(learnerId)}/sessions`, query: { updatedSince: filter.updatedSince } },
      SessionPageAnswer,
    );
  }

  getLearnerOtj(learnerId: string): Promise<OtjHours> {
    return this.call({ operation: 'getLearnerOtj', method: 'GET', path: `learners/${segment(learnerId)}/otj` }, OtjAnswer);
  }

  setLearnerPlannedOtj(learnerId: string, plannedHours: number): Promise<OtjHours> {
    return this.call({ operation: 'setLearnerPlannedOtj', method: 'PUT', path: `learners/${segment(learnerId)}/otj`, json: { plannedHours } }, OtjAnswer);
  }

  /** The record already found by misReference, else a create; a 409 names the record a lost answer created. */
  private async ensure(found: { id: string; misReference: string | null }[], misReference: string, create: Request, dto: new () => object): Promise<Ensured> {
    const existing = found.find((item) => item.misReference === misReference);
    if (existing) return { id: existing.id, created: false };
    try {
      const made = await this.call<{ id: string }>(create, dto);
      return { id: made.id, created: true };
    } catch (error) {
      if (error instanceof SmartAssessorError && error.details.status === 409 && error.details.existingId) {
        return { id: error.details.existingId, created: false };
      }
      throw error;
    }
  }

  private async everyPage<T>(request: Request, dto: new () => object): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page += 1) {
      const answer = await this.call<Page<T>>({ ...request, query: { ...request.query, page, pageSize: PAGE_SIZE } }, dto);
      items.push(...answer.items);
      if (answer.items.length === 0 || items.length >= answer.totalItems) return items;
    }
    throw new SmartAssessorError('permanent', `Smart Assessor kept answering ${request.operation} with more pages after ${MAX_PAGES}`, {
      operation: request.operation,
    });
  }

  /** Sends `request` (authenticating again once on a 401) and reads its answer as `dto`. */
  private async call<T>(request: Request, dto: new () => object): Promise<T> {
    let token = await this.currentToken();
    let answer = await this.send(request, token);
    if (answer.status === 401) {
      this.forgetToken(token);
      token = await this.tokenRequestedAfter(performance.now());
      answer = await this.send(request, token);
      if (answer.status === 401) {
        throw new SmartAssessorError('auth', `Smart Assessor refused a new access token for ${request.operation}; check the API user's permissions`, {
          operation: request.operation,
          status: 401,
        });
      }
    }
    return this.read<T>(request, answer, dto);
  }

  private async read<T>(request: Request, answer: Answer, dto: new () => object): Promise<T> {
    if (answer.status < 200 || answer.status >= 300) {
      const failure = failureFromAnswer(request.operation, `${request.method} /${request.path}`, answer.status, answer.body, answer.retryAfter);
      // This client holds off even if the shared pause cannot be written; the 429 is what the caller must hear.
      if (failure.kind === 'rate-limited') await this.budget.pause(failure.details.retryAfterMs ?? 1000).catch(() => undefined);
      throw failure;
    }
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      throw new SmartAssessorError('permanent', `Smart Assessor's answer to ${request.operation} is not JSON`, {
        operation: request.operation,
        status: answer.status,
      });
    }
    return readAnswer<T>(request.operation, dto, body);
  }

  private async currentToken(): Promise<string> {
    if (this.token && Date.now() < this.token.renewAt) return this.token.value;
    this.authenticating ??= this.startAuthenticating();
    return this.authenticating.token;
  }

  /**
   * After a 401: a token whose request left after the refusal. A newer token than the
   * refused one is not enough, since it may have been issued before the site revoked its
   * tokens and gone with them; only one asked for after the refusal was issued after it.
   */
  private async tokenRequestedAfter(refusedAt: number): Promise<string> {
    if (this.token && this.token.requestedAt > refusedAt && Date.now() < this.token.renewAt) return this.token.value;
    if (!this.authenticating || this.authenticating.requestedAt <= refusedAt) this.authenticating = this.startAuthenticating();
    return this.authenticating.token;
  }

  private startAuthenticating(): { token: Promise<string>; requestedAt: number } {
    const requestedAt = performance.now();
    const pending = {
      requestedAt,
      token: this.authenticate(requestedAt).finally(() => {
        if (this.authenticating === pending) this.authenticating = undefined;
      }),
    };
    return pending;
  }

  /** Only the token that was refused is dropped: a caller that raced ahead may already hold a newer one. */
  private forgetToken(refused: string): void {
    if (this.token?.value === refused) this.token = undefined;
  }

  private async authenticate(requestedAt: number): Promise<string> {
    const request: Request = {
      operation: 'createToken',
      method: 'POST',
      path: 'auth/token',
      json: { username: this.options.username, password: this.options.password, clientKey: this.options.clientKey },
    };
    const answer = await this.send(request);
    if (answer.status === 401) {
      throw new SmartAssessorError('auth', 'Smart Assessor refused the API username, password or client key; correct them in the integration settings', {
        operation: 'createToken',
        status: 401,
      });
    }
    const token = await this.read<{ accessToken: string; expiresIn: number }>(request, answer, TokenAnswer);
    const lifetimeMs = token.expiresIn * 1000;
    // Renew a little early so a token does not expire between the check and the server.
    const renewAt = Date.now() + lifetimeMs - Math.min(30_000, lifetimeMs / 10);
    // Two authentications can overlap (one after a 401): the token asked for last is kept.
    if (!this.token || this.token.requestedAt <= requestedAt) this.token = { value: token.accessToken, renewAt, requestedAt };
    return token.accessToken;
  }

  private async send(request: Request, token?: string): Promise<Answer> {
    const waiting = performance.now();
    try {
      await this.budget.spend(request.operation);
    } finally {
      this.options.onBudgetWait?.(performance.now() - waiting);
    }
    const started = performance.now();
    let status: number | 'error' = 'error';
    try {
      const response = await this.http(request.path, {
        method: request.method,
        ...(request.query ? { searchParams: definedOnly(request.query) } : {}),
        ...(request.json === undefined ? {} : { json: request.json }),
        ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
      });
      status = response.statusCode;
      const limit = Number(response.headers['x-ratelimit-limit']);
      if (Number.isFinite(limit)) this.budget.learnLimit(limit);
      const retryAfter = response.headers['retry-after'];
      return { status, body: response.body, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter };
    } catch (error) {
      throw networkFailure(request.operation, error, this.options.timeoutMs ?? 30_000);
    } finally {
      const ms = Math.round(performance.now() - started);
      this.options.onRequest?.({ operation: request.operation, status, ms });
      this.options.logger?.debug('smart assessor request', { operation: request.operation, method: request.method, status, ms });
    }
  }
}

export function createSmartAssessorClient(options: SmartAssessorClientOptions): SmartAssessorClient {
  return new SmartAssessorClient(options);
}

/**
 * A site is its API root and API user: clients of the same site share one budget. The
 * budget's script touches its pause and its second's count, keys that start with this
 * one: the site is a hash tag, so on a Redis Cluster they share a slot.
 */
export function defaultBudgetKey(baseUrl: string, username: string): string {
  const site = createHash('sha256')
    .update(`${baseUrl.replace(/\/+$/, '')}\n${username}`)
    .digest('hex')
    .slice(0, 16);
  return `sai:smart-assessor-budget:{${site}}`;
}

/**
 * The budget every caller of one deployment spends from (workers and admin alike):
 * QUEUE_PREFIX keeps it apart from another deployment's sharing the same Redis.
 */
export function deploymentBudgetKey(queuePrefix: string, connection: { baseUrl: string; username: string }): string {
  return `${queuePrefix}:${defaultBudgetKey(connection.baseUrl, connection.username)}`;
}

function segment(id: string): string {
  if (id === '') throw new SmartAssessorError('permanent', 'A Smart Assessor id is empty');
  return encodeURIComponent(id);
}

function definedOnly(query: Query): Record<string, string | number> {
  const defined: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(query)) if (value !== undefined) defined[name] = value;
  return defined;
}

/** A request that got no answer. The got error is not kept: its options hold the credentials. */
function networkFailure(operation: string, error: unknown, timeoutMs: number): Error {
  if (error instanceof SmartAssessorError) return error;
  if (error instanceof RequestError) {
    const message =
      error.name === 'TimeoutError'
        ? `Smart Assessor did not answer ${operation} within ${timeoutMs} ms`
        : `Smart Assessor could not be reached for ${operation} (${error.code || error.name})`;
    return new SmartAssessorError('transient', message, { operation });
  }
  return error instanceof Error ? error : new Error(String(error));
}
