// Following queued work until it is done: a run's progress as a bar with counts and ETA.
import { get } from './api.js';
import { duration, h, replace } from './dom.js';

const POLL_MS = 1500;

export const isFinished = (run) => run.state === 'completed' || run.state === 'failed';

/** The bar and the words under it for one SyncRun. */
export function runProgress(run) {
  const done = run.jobs.completed + run.jobs.failed;
  const total = run.jobs.total;
  const eta = run.etaSeconds === null || isFinished(run) ? '' : ` · about ${duration(run.etaSeconds)} left`;
  return h(
    'div',
    { class: 'run-progress', dataset: { state: run.state } },
    h('progress', { max: String(Math.max(total, 1)), value: String(isFinished(run) && total === 0 ? 1 : done), 'aria-label': 'jobs done' }),
    h(
      'p',
      { class: 'progress-text' },
      h('strong', { class: `state ${run.state}` }, run.state),
      run.learnersDone === undefined
        ? ` · ${run.learners} learner${run.learners === 1 ? '' : 's'}`
        : h('span', { class: 'learners-done' }, ` · learners ${run.learnersDone} of ${run.learners} done`),
      ` · jobs ${done} of ${total}`,
      run.jobs.failed ? h('span', { class: 'error-text' }, ` · ${run.jobs.failed} failed`) : '',
      eta,
    ),
  );
}

/** Polls a run into `container` until it finishes; resolves with the final SyncRun. */
export async function followRun(runId, container, onChange = () => {}) {
  for (;;) {
    const run = await get(`/api/sync/runs/${encodeURIComponent(runId)}`);
    replace(container, runProgress(run));
    onChange(run);
    if (isFinished(run)) return run;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export function pause(ms = POLL_MS) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
