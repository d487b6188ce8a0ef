import { expect } from 'chai';
import { loadContract } from '../../../src/smart-assessor/contract.js';
import type { RunningSimulator } from '../../support/simulator.js';

export interface RawAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/** A request to the simulator without the project's client, so its answers can be judged on their own. */
export async function raw(simulator: RunningSimulator, method: string, path: string, options: { token?: string; body?: unknown; rawBody?: string } = {}): Promise<RawAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${simulator.baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

export async function control(simulator: RunningSimulator, method: string, route: string, body?: unknown): Promise<RawAnswer> {
  const response = await fetch(`${simulator.baseUrl.replace(/\/api\/v1$/, '')}/_control/${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

export async function tokenFor(simulator: RunningSimulator): Promise<string> {
  const answer = await raw(simulator, 'POST', '/auth/token', { body: simulator.credentials });
  expect(answer.status).to.equal(200);
  return answer.body.accessToken as string;
}

/**
 * Judges one answer of operation `operationId` by the contract file: the body against
 * the schema declared for its status (or, for a status the operation does not list, the
 * contract's Error schema), and the rate-limit headers every answer carries.
 */
export function expectContractAnswer(operationId: string, answer: RawAnswer, expectedStatus: number): void {
  const contract = loadContract();
  const where = `${operationId} ${answer.status} ${JSON.stringify(answer.body)}`;
  expect(answer.status, where).to.equal(expectedStatus);
  const declared = contract.operations.get(operationId)!.statuses.includes(answer.status);
  const problems = declared ? contract.checkResponse(operationId, answer.status, answer.body) : contract.checkErrorBody(answer.body);
  if (!declared) expect(answer.status, `${where}: an undeclared status must be an error`).to.be.at.least(400);
  expect(problems, where).to.deep.equal([]);
  expect(Number(answer.headers.get('x-ratelimit-limit')), `${where}: X-RateLimit-Limit`).to.be.at.least(1);
  expect(Number.isInteger(Number(answer.headers.get('x-ratelimit-remaining') ?? 'x')), `${where}: X-RateLimit-Remaining`).to.equal(true);
  if (answer.status === 429) expect(Number(answer.headers.get('retry-after')), `${where}: Retry-After`).to.be.at.least(0);
}
