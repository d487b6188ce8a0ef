import type { ErrorRequestHandler } from 'express';
import { ValidationFailedError } from '../../failure-kinds.js';
import type { Logger } from '../../logging/logger.js';

/** An answer other than 2xx that the admin API gives on purpose, with its error code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export class NotFoundError extends HttpError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

export class UnauthorizedError extends HttpError {
  constructor(message = 'Log in first, or send Authorization: Bearer <ADMIN_API_TOKEN>') {
    super(401, 'unauthorized', message);
  }
}

export class CsrfError extends HttpError {
  constructor() {
    super(403, 'csrf_failed', 'This change needs the X-CSRF-Token header from your log-in; reload the page or log in again');
  }
}

interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

/** Errors thrown by other modules that mean a known, answerable refusal (e.g. "a run is already active"). */
export type ErrorTranslator = (error: unknown) => HttpError | undefined;

/**
 * Turns every failure into the API's error body. Anything unexpected is a 500 with a
 * generic message: the details go to the log (redacted there), never to the caller.
 */
export function errorHandler(logger: Logger, translators: ErrorTranslator[] = []): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const known = error instanceof HttpError ? error : translators.map((translate) => translate(error)).find(Boolean);
    let status: number;
    let body: ErrorBody;
    if (known) {
      status = known.status;
      body = { error: { code: known.code, message: known.message } };
      res.set(known.headers);
    } else if (error instanceof ValidationFailedError) {
      status = 400;
      body = { error: { code: 'validation_failed', message: error.message, fields: error.fields } };
    } else if (isClientHttpError(error)) {
      ({ status, body } = clientErrorAnswer(error));
    } else {
      status = 500;
      body = { error: { code: 'internal', message: 'Something went wrong on the server; the details are in its log' } };
      logger.error('admin request failed', { method: req.method, path: req.path, error });
    }
    res.status(status).json(body);
  };
}

/** What Express's own parts (body parser, static files) throw for a bad request: a 4xx status, maybe a type. */
interface ClientHttpError {
  status: number;
  type?: string;
}

function isClientHttpError(error: unknown): error is ClientHttpError {
  const status = (error as ClientHttpError | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

function clientErrorAnswer(error: ClientHttpError): { status: number; body: ErrorBody } {
  if (error.type === 'entity.too.large') {
    return { status: 413, body: { error: { code: 'too_large', message: 'The request body is too large' } } };
  }
  if (error.type === 'entity.parse.failed' || error.type?.startsWith('entity.')) {
    const reason = error.type === 'entity.parse.failed' ? 'is not valid JSON' : 'could not be read';
    return { status: 400, body: { error: { code: 'validation_failed', message: `The request body ${reason}`, fields: { body: reason } } } };
  }
  if (error.status === 404) return { status: 404, body: { error: { code: 'not_found', message: 'Not found' } } };
  return { status: error.status, body: { error: { code: 'bad_request', message: 'The request could not be handled' } } };
}
