import { got, RequestError } from 'got';
import type { Config } from '../config/environment.js';

/** How long a receiver has to answer one POST. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export type WebhookAnswer = { ok: true; status: number } | { ok: false; error: string };

/**
 * POSTs `body` as JSON to the admin's webhook, once (the outbox retries). The URL is a
 * secret (it often carries the receiver's token), so what comes back never holds it:
 * only the status, or the kind of failure.
 */
export async function postToWebhook(url: string, body: unknown, idempotencyKey: string, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<WebhookAnswer> {
  try {
    const response = await got.post(url, {
      json: body,
      headers: { 'idempotency-key': idempotencyKey, 'user-agent': 'smart-assessor-integration' },
      timeout: { request: timeoutMs },
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
    });
    if (response.statusCode >= 200 && response.statusCode < 300) return { ok: true, status: response.statusCode };
    return { ok: false, error: `the webhook answered ${response.statusCode}` };
  } catch (error) {
    if (error instanceof RequestError) {
      return {
        ok: false,
        error: error.name === 'TimeoutError' ? `the webhook did not answer within ${timeoutMs} ms` : `the webhook could not be reached (${error.code || error.name})`,
      };
    }
    throw error;
  }
}

/** The admin's address for links: ADMIN_PUBLIC_URL, else where `sai admin` listens by default. */
export function adminPublicUrl(config: Pick<Config, 'ADMIN_PUBLIC_URL' | 'PORT'>): string {
  return (config.ADMIN_PUBLIC_URL ?? `http://127.0.0.1:${config.PORT}`).replace(/\/+$/, '');
}
