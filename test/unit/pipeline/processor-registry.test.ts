import { expect } from 'chai';
import { QUEUE_NAMES } from '../../../queues/definitions.js';
import type { Processor } from '../../../src/jobs/job-contract.js';
import { PROCESSOR_REGISTRATIONS, processorMap, type ProcessorRegistration } from '../../../workers/processors.js';

describe('processor registrations (the start-up check)', function () {
  it('has exactly one processor for each of the eight queues', function () {
    const map = processorMap(PROCESSOR_REGISTRATIONS);
    expect(Object.keys(map)).to.have.members([...QUEUE_NAMES]);
  });

  it('refuses a queue with no processor, or with two, naming each', function () {
    const withoutReviews = PROCESSOR_REGISTRATIONS.filter((registration) => registration.queue !== 'reviews');
    expect(() => processorMap(withoutReviews)).to.throw('the reviews queue has no processor');
    const extra: ProcessorRegistration = { queue: 'otj', processor: (async () => Promise.reject(new Error('unused'))) as Processor<'otj'> };
    expect(() => processorMap([...withoutReviews, extra])).to.throw(/the reviews queue has no processor; the otj queue has 2 processors/);
  });
});
