import { QUEUE_NAMES, type QueueName } from '../queues/definitions.js';
import { demographicsProcessor } from './demographics.js';
import { enrolmentProcessor } from './enrolment.js';
import { officersProcessor } from './officers.js';
import { organisationsProcessor } from './organisations.js';
import { otjProcessor } from './otj.js';
import type { Processor } from '../src/jobs/job-contract.js';
import { qualificationProgressProcessor } from './qualification-progress.js';
import { reviewsProcessor } from './reviews.js';
import { statusProcessor } from './status.js';

export type ProcessorMap = { [Q in QueueName]: Processor<Q> };

export type ProcessorRegistration = { [Q in QueueName]: { queue: Q; processor: Processor<Q> } }[QueueName];

/** The product's processors, one line per queue. */
export const PROCESSOR_REGISTRATIONS: readonly ProcessorRegistration[] = [
  { queue: 'enrolment', processor: enrolmentProcessor },
  { queue: 'qualification-progress', processor: qualificationProgressProcessor },
  { queue: 'reviews', processor: reviewsProcessor },
  { queue: 'otj', processor: otjProcessor },
  { queue: 'demographics', processor: demographicsProcessor },
  { queue: 'officers', processor: officersProcessor },
  { queue: 'organisations', processor: organisationsProcessor },
  { queue: 'status', processor: statusProcessor },
];

/**
 * The start-up check: every queue has exactly one processor. A queue with none would
 * fill up unseen; one with two would run whichever registered last.
 */
export function processorMap(registrations: readonly ProcessorRegistration[]): ProcessorMap {
  const problems: string[] = [];
  const known = new Set<string>(QUEUE_NAMES);
  for (const { queue } of registrations) if (!known.has(queue)) problems.push(`"${queue}" is not a queue`);
  for (const queue of QUEUE_NAMES) {
    const count = registrations.filter((registration) => registration.queue === queue).length;
    if (count === 0) problems.push(`the ${queue} queue has no processor`);
    if (count > 1) problems.push(`the ${queue} queue has ${count} processors`);
  }
  if (problems.length > 0) throw new Error(`Processor registrations are wrong: ${problems.join('; ')}`);
  return Object.fromEntries(registrations.map(({ queue, processor }) => [queue, processor])) as ProcessorMap;
}
