// One run: a live progress bar until it finishes, then each failure with its reason.
import { ApiError, get } from './api.js';
import { byId, dateTime, h, pager, replace, say, table } from './dom.js';
import { startPage } from './layout.js';
import { followRun } from './progress.js';

const runId = decodeURIComponent(location.pathname.split('/').pop());

async function showFailures(page = 1) {
  const failures = await get(`/api/sync/runs/${encodeURIComponent(runId)}/failures?page=${page}`);
  replace(
    byId('failures'),
    table(
      [
        { label: 'When', value: (failure) => dateTime(failure.at) },
        { label: 'Queue', value: (failure) => failure.queue },
        {
          label: 'Record',
          value: (failure) =>
            failure.subjectType === 'learner' ? h('a', { href: `/learners/${encodeURIComponent(failure.subjectRef)}` }, failure.subjectRef) : `${failure.subjectType} ${failure.subjectRef}`,
        },
        { label: 'Reason', value: (failure) => h('span', { class: 'error-text' }, failure.error ?? 'no reason recorded') },
      ],
      failures.items,
      { empty: 'No failures', id: 'failure-table' },
    ),
    failures.totalItems > failures.pageSize ? pager(failures, showFailures) : null,
  );
}

await startPage();
try {
  let failed = -1;
  const run = await followRun(runId, byId('progress'), (current) => {
    byId('run-title').textContent = `Sync run (${current.trigger}) started ${dateTime(current.startedAt)}`;
    if (current.jobs.failed !== failed) {
      failed = current.jobs.failed;
      showFailures();
    }
  });
  await showFailures();
  say(byId('status'), `The run ${run.state === 'completed' ? 'completed' : 'failed'}${run.finishedAt ? ` at ${dateTime(run.finishedAt)}` : ''}`, run.state === 'completed' ? 'ok' : 'error');
} catch (error) {
  say(byId('status'), error instanceof ApiError && error.status === 404 ? `There is no run ${runId}` : error.message, 'error');
}
