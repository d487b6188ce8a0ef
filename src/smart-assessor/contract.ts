import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { smartAssessorContractPath } from '../paths.js';

/**
 * `contracts/smart-assessor-api.yaml` as executable checks. The simulator validates every
 * request with these, and the tests validate every answer with them, so neither side can
 * drift from the file. The schemas are compiled straight from the document (JSON Schema
 * 2020-12, as OpenAPI 3.1 uses), never copied.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ContractOperation {
  operationId: string;
  method: HttpMethod;
  /** The path template under the server URL, e.g. `/learners/{learnerId}/courses`. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  requiresAuth: boolean;
  hasRequestBody: boolean;
  /** The 2xx status the operation answers with. */
  successStatus: number;
  /** Every status the contract declares for the operation. */
  statuses: number[];
}

/** One way a value breaks the contract: `field` is a dotted path (`items.0.id`), '' for the whole value. */
export interface ContractProblem {
  field: string;
  message: string;
}

export interface QueryCheck {
  problems: ContractProblem[];
  /** The parameters converted to the types the contract declares (`page` as a number). */
  values: Record<string, unknown>;
}

type Json = Record<string, unknown>;

const DOCUMENT_ID = 'smart-assessor-contract';
const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

interface CompiledOperation {
  operation: ContractOperation;
  pattern: RegExp;
  body?: ValidateFunction;
  query: ValidateFunction;
  responses: Map<number, ValidateFunction | null>;
}

export class SmartAssessorContract {
  readonly operations: ReadonlyMap<string, ContractOperation>;
  private readonly compiled = new Map<string, CompiledOperation>();
  private readonly byMethod = new Map<HttpMethod, CompiledOperation[]>();
  private readonly errorSchema: ValidateFunction;

  constructor(readonly document: Json) {
    const strict = newAjv(false);
    const coercing = newAjv(true);
    strict.addSchema(document, DOCUMENT_ID);
    coercing.addSchema(document, DOCUMENT_ID);
    this.errorSchema = strict.compile({ $ref: `${DOCUMENT_ID}#/components/schemas/Error` });

    const paths = (document.paths ?? {}) as Record<string, Json>;
    for (const [path, item] of Object.entries(paths)) {
      const shared = (item.parameters ?? []) as Json[];
      for (const method of METHODS) {
        const spec = item[method.toLowerCase()] as Json | undefined;
        if (!spec) continue;
        const operationId = String(spec.operationId);
        const pointer = `#/paths/${escapePointer(path)}/${method.toLowerCase()}`;
        const parameters = [
          ...shared.map((parameter, index) => this.resolve(parameter, `#/paths/${escapePointer(path)}/parameters/${index}`)),
          ...((spec.parameters ?? []) as Json[]).map((parameter, index) => this.resolve(parameter, `${pointer}/parameters/${index}`)),
        ];
        const pathParams = parameters.filter((p) => p.value.in === 'path').map((p) => String(p.value.name));
        const queryParameters = parameters.filter((p) => p.value.in === 'query');

        const querySchema = {
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(queryParameters.map((p) => [String(p.value.name), { $ref: `${DOCUMENT_ID}${p.pointer}/schema` }])),
          required: queryParameters.filter((p) => p.value.required === true).map((p) => String(p.value.name)),
        };

        const requestBody = spec.requestBody as Json | undefined;
        const body = requestBody ? strict.compile({ $ref: `${DOCUMENT_ID}${pointer}/requestBody/content/application~1json/schema` }) : undefined;

        const responses = new Map<number, ValidateFunction | null>();
        for (const [status, response] of Object.entries((spec.responses ?? {}) as Record<string, Json>)) {
          const resolved = this.resolve(response, `${pointer}/responses/${status}`);
          const content = (resolved.value.content as Json | undefined)?.['application/json'] as Json | undefined;
          responses.set(Number(status), content?.schema ? strict.compile({ $ref: `${DOCUMENT_ID}${resolved.pointer}/content/application~1json/schema` }) : null);
        }
        const statuses = [...responses.keys()].sort((a, b) => a - b);
        const successStatus = statuses.find((status) => status >= 200 && status < 300);
        if (successStatus === undefined) throw new Error(`The contract gives ${operationId} no 2xx answer`);

        const operation: ContractOperation = {
          operationId,
          method,
          path,
          pathParams,
          queryParams: queryParameters.map((p) => String(p.value.name)),
          requiresAuth: !(Array.isArray(spec.security) && spec.security.length === 0),
          hasRequestBody: Boolean(requestBody),
          successStatus,
          statuses,
        };
        const entry: CompiledOperation = {
          operation,
          pattern: pathPattern(path),
          body,
          query: coercing.compile(querySchema),
          responses,
        };
        this.compiled.set(operationId, entry);
        const list = this.byMethod.get(method) ?? [];
        list.push(entry);
        this.byMethod.set(method, list);
      }
    }
    this.operations = new Map([...this.compiled].map(([id, entry]) => [id, entry.operation]));
  }

  /** The operation a request is for, with its path parameters; `path` is relative to the server URL. */
  match(method: string, path: string): { operation: ContractOperation; params: Record<string, string> } | undefined {
    for (const entry of this.byMethod.get(method.toUpperCase() as HttpMethod) ?? []) {
      const found = entry.pattern.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      entry.operation.pathParams.forEach((name, index) => {
        params[name] = decodeURIComponent(found[index + 1] ?? '');
      });
      return { operation: entry.operation, params };
    }
    return undefined;
  }

  /** Whether some operation has this path under another method (a 405 rather than a 404). */
  hasPath(path: string): boolean {
    for (const list of this.byMethod.values()) if (list.some((entry) => entry.pattern.test(path))) return true;
    return false;
  }

  checkRequestBody(operationId: string, body: unknown): ContractProblem[] {
    const entry = this.entry(operationId);
    if (!entry.body) return body === undefined ? [] : [{ field: '', message: 'takes no request body' }];
    if (body === undefined) return [{ field: '', message: 'a JSON request body is required' }];
    return entry.body(body) ? [] : problemsOf(entry.body.errors);
  }

  /** Query parameters arrive as text; they are checked, and converted, by the declared schemas. */
  checkQuery(operationId: string, query: Record<string, string | string[]>): QueryCheck {
    const entry = this.entry(operationId);
    const values: Record<string, unknown> = {};
    const problems: ContractProblem[] = [];
    for (const [name, value] of Object.entries(query)) {
      if (Array.isArray(value)) problems.push({ field: name, message: 'may be given once only' });
      else values[name] = value;
    }
    if (!entry.query(values)) problems.push(...problemsOf(entry.query.errors));
    return { problems, values };
  }

  checkResponse(operationId: string, status: number, body: unknown): ContractProblem[] {
    const entry = this.entry(operationId);
    if (!entry.responses.has(status)) return [{ field: '', message: `status ${status} is not declared for ${operationId}` }];
    const validate = entry.responses.get(status);
    if (!validate) return [];
    return validate(body) ? [] : problemsOf(validate.errors);
  }

  /** The contract's `Error` body, for answers the contract does not list per operation (a 503 in an outage, a 400 for a bad query). */
  checkErrorBody(body: unknown): ContractProblem[] {
    return this.errorSchema(body) ? [] : problemsOf(this.errorSchema.errors);
  }

  private entry(operationId: string): CompiledOperation {
    const entry = this.compiled.get(operationId);
    if (!entry) throw new Error(`The contract has no operation "${operationId}"`);
    return entry;
  }

  /** Follows `$ref`s between OpenAPI objects (responses, parameters), keeping the JSON pointer of the target. */
  private resolve(value: Json, pointer: string): { value: Json; pointer: string } {
    let current = value;
    let at = pointer;
    for (let hops = 0; typeof current.$ref === 'string'; hops += 1) {
      if (hops > 10) throw new Error(`The contract's $ref ${String(current.$ref)} does not end`);
      at = current.$ref;
      current = lookUp(this.document, at);
    }
    return { value: current, pointer: at };
  }
}

function newAjv(coerceTypes: boolean): Ajv2020 {
  // strict off: the document's OpenAPI keywords (paths, info, ...) sit beside the schemas.
  const ajv = new Ajv2020({ strict: false, allErrors: true, coerceTypes, validateFormats: true });
  addFormats.default(ajv);
  return ajv;
}

function lookUp(document: Json, pointer: string): Json {
  let current: unknown = document;
  for (const part of pointer.replace(/^#\//, '').split('/')) {
    current = (current as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  if (!current || typeof current !== 'object') throw new Error(`The contract has nothing at ${pointer}`);
  return current as Json;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function pathPattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/** ajv's errors as field → reason, with the field a person would name. */
function problemsOf(errors: ErrorObject[] | null | undefined): ContractProblem[] {
  const seen = new Set<string>();
  const problems: ContractProblem[] = [];
  for (const error of errors ?? []) {
    let field = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'required') {
      field = [field, String(error.params.missingProperty)].filter(Boolean).join('.');
      message = 'is required';
    } else if (error.keyword === 'additionalProperties') {
      field = [field, String(error.params.additionalProperty)].filter(Boolean).join('.');
      message = 'is not allowed';
    } else if (error.keyword === 'enum') {
      message = `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    }
    // allOf/oneOf repeat the same complaint once per branch.
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf') continue;
    const key = `${field}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ field, message });
  }
  if (problems.length === 0 && (errors?.length ?? 0) > 0) problems.push({ field: '', message: 'does not match the contract' });
  return problems;
}

/** Problems as the contract's `details.fields` map (first reason per field). */
export function problemsToFields(problems: ContractProblem[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const problem of problems) fields[problem.field || '(body)'] ??= problem.message;
  return fields;
}

let loaded: SmartAssessorContract | undefined;

/** The checkout's contract, read and compiled once per process. */
export function loadContract(path = smartAssessorContractPath): SmartAssessorContract {
  if (path !== smartAssessorContractPath) return new SmartAssessorContract(parse(readFileSync(path, 'utf8')) as Json);
  loaded ??= new SmartAssessorContract(parse(readFileSync(path, 'utf8')) as Json);
  return loaded;
}
