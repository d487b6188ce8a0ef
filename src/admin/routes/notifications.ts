import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { testNotificationBody } from '../../notifications/run-notifications.js';
import { postToWebhook } from '../../notifications/webhook.js';
import type { SettingsService } from '../../settings/settings-service.js';

/**
 * POST /api/notification-test: one sample notification to the webhook in Settings, sent
 * now and answered like the connection test: `{"ok":true,"status"}` or `{"ok":false,"error"}`
 * (never the URL, which is a secret).
 */
export function notificationRoutes(settings: Pick<SettingsService, 'notificationWebhookUrl'>, adminUrl: string): Router {
  const router = Router();
  router.post('/api/notification-test', async (_req, res) => {
    const url = await settings.notificationWebhookUrl();
    if (url === null) {
      res.json({ ok: false, error: 'No notification webhook URL is set: save one in Settings first' });
      return;
    }
    const id = randomUUID();
    res.json(await postToWebhook(url, testNotificationBody(adminUrl, id), id));
  });
  return router;
}
