import { expect } from 'chai';
import { redisOptionsFromUrl, workerConnection } from '../../../queues/connection.js';
import { QUEUE_NAMES } from '../../../queues/definitions.js';
import { repeatJobId, runJobId, subjectDeduplicationId } from '../../../queues/job-ids.js';
import { parseConcurrency, parseQueueList } from '../../../workers/process-setup.js';

describe('worker process options', function () {
  it('reads --queues, each once, all eight by default', function () {
    expect(parseQueueList(undefined)).to.deep.equal([...QUEUE_NAMES]);
    expect(parseQueueList('reviews, otj,reviews')).to.deep.equal(['reviews', 'otj']);
    expect(() => parseQueueList('reviews,review,otjs')).to.throw('--queues: no queue named "review", "otjs"');
    expect(() => parseQueueList(' , ')).to.throw('--queues needs at least one queue name');
  });

  it('reads --concurrency as a whole number from 1 to 500', function () {
    expect(parseConcurrency(undefined, 10)).to.equal(10);
    expect(parseConcurrency('20', 10)).to.equal(20);
    for (const bad of ['0', '501', '2.5', 'many']) expect(() => parseConcurrency(bad, 10), bad).to.throw(/--concurrency/);
  });
});

describe('Redis connection options', function () {
  it('come from the URL, with what blocking connections need', function () {
    expect(redisOptionsFromUrl('redis://:s3cret@cache.internal:6380/2')).to.deep.equal({ host: 'cache.internal', port: 6380, password: 's3cret', db: 2 });
    expect(redisOptionsFromUrl('rediss://cache.internal')).to.include({ host: 'cache.internal', port: 6379 }).and.have.property('tls');
    expect(workerConnection('redis://127.0.0.1:6379')).to.include({ maxRetriesPerRequest: null, enableAutoPipelining: false });
    expect(() => redisOptionsFromUrl('http://127.0.0.1')).to.throw(/redis:\/\//);
  });
});

describe('job ids', function () {
  it('are fixed by run, job and subject, and acceptable to BullMQ (not a number, no ":")', function () {
    const runId = '10bf8afc-4472-423f-9bc2-ea0d0121a03d';
    const id = runJobId(runId, 'learner-reviews', 42);
    expect(id).to.equal(`${runId}.learner-reviews.42`);
    for (const value of [id, repeatJobId(runId, 'learner-reviews', 42, 'm1'), subjectDeduplicationId('learner-reviews', 42)]) {
      expect(value).to.not.include(':');
      expect(String(Number.parseInt(value, 10))).to.not.equal(value);
    }
  });
});
