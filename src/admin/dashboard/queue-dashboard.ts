import { createBullBoard } from '@bull-board/api';
import type { QueueAdapterOptions } from '@bull-board/api/typings/app';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Job, Queue } from 'bullmq';
import type { Application } from 'express';
import { redactJobText, redactJobValue } from './job-redaction.js';

export const DASHBOARD_PATH = '/admin/queues';

/**
 * Retries offered for failed jobs only. BaseAdapter reads `allowCompletedRetries`, but
 * BullMQAdapter's constructor type (9.10.1) leaves it out, hence the widened type.
 */
const BOARD_OPTIONS: Partial<QueueAdapterOptions> = { readOnlyMode: false, allowRetries: true, ...{ allowCompletedRetries: false } };

/**
 * Every job the dashboard reads passes through here: its failure reason and stack trace
 * are masked before bull-board turns the job into JSON. Retrying still acts on the real job.
 * The board offers retries of failed jobs only (bull-board's own options); what else it
 * may change is refused in front of it (dashboard-actions.ts).
 */
class RedactingBullMQAdapter extends BullMQAdapter {
  constructor(queue: Queue) {
    super(queue, BOARD_OPTIONS);
    this.setFormatter('data', redactJobValue);
    this.setFormatter('returnValue', redactJobValue);
    this.setFormatter('progress', redactJobValue);
  }

  override async getJob(id: string): Promise<Job | undefined> {
    const job = await super.getJob(id);
    return job ? redactedView(job) : job;
  }

  override async getJobs(...args: Parameters<BullMQAdapter['getJobs']>): Promise<Job[]> {
    return (await super.getJobs(...args)).map(redactedView);
  }

  override async getJobLogs(id: string): Promise<string[]> {
    return (await super.getJobLogs(id)).map(redactJobText);
  }
}

function redactedView(job: Job): Job {
  const toJSON = job.toJSON.bind(job);
  job.toJSON = () => {
    const json = toJSON();
    return {
      ...json,
      failedReason: json.failedReason ? redactJobText(json.failedReason) : json.failedReason,
      stacktrace: Array.isArray(json.stacktrace) ? json.stacktrace.map((line) => (typeof line === 'string' ? redactJobText(line) : line)) : json.stacktrace,
    };
  };
  return job;
}

/** bull-board for the eight queues, as an Express app to mount at DASHBOARD_PATH behind the admin login. */
export function queueDashboard(queues: readonly Queue[]): Application {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new RedactingBullMQAdapter(queue)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Smart Assessor queues', hideDocsLink: true, miscLinks: [{ text: 'Back to admin', url: '/learners' }] } },
  });
  const app = serverAdapter.getRouter() as Application;
  app.disable('x-powered-by');
  return app;
}
