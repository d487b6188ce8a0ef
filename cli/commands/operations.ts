import type { Config } from '../../src/config/environment.js';
import { retentionPolicy } from '../../src/history/retention.js';
import type { MetricsFlusher } from '../../src/metrics/shared-metrics.js';
import { adminPublicUrl } from '../../src/notifications/webhook.js';
import type { SchedulerOptions } from '../../src/scheduler/scheduler.js';
import type { SettingsService } from '../../src/settings/settings-service.js';

/** What a scheduler process (`sai scheduler`, `sai start`) does beside the runs: the history's prune, run alerts, its counters. */
export function schedulerOperations(config: Config, settings: SettingsService, metrics: MetricsFlusher): Pick<SchedulerOptions, 'retention' | 'notifications' | 'metrics'> {
  return {
    retention: { policy: retentionPolicy(config), batchSize: config.HISTORY_PRUNE_BATCH },
    notifications: {
      webhookUrl: () => settings.notificationWebhookUrl(),
      overdueAfterMinutes: config.RUN_OVERDUE_AFTER_MINUTES,
      adminUrl: adminPublicUrl(config),
    },
    metrics: metrics.metrics,
  };
}
