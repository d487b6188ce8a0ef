// Sync runs: start one now, the trend of recent runs, and every run with its progress.
import { get, post } from './api.js';
import { byId, dateTime, h, pager, problemText, replace, say, table } from './dom.js';
import { startPage } from './layout.js';
import { showLiveSync } from './live-sync.js';
import { isFinished, runProgress } from './progress.js';
import { trendChart } from './trend-chart.js';

let refreshTimer;
/** While Live Sync is on, live runs may start at any moment: the list keeps itself fresh. */
let liveSyncOn = false;
let shownPage = 1;

async function load(page = 1) {
  shownPage = page;
  const [trend, runs] = await Promise.all([get('/api/sync/trend'), get(`/api/sync/runs?page=${page}`)]);
  replace(byId('trend'), trendChart(trend.items));
  replace(
    byId('results'),
    table(
      [
        { label: 'Run', value: (run) => h('a', { href: `/runs/${run.runId}` }, run.runId.slice(0, 8)) },
        { label: 'Trigger', value: (run) => run.trigger },
        { label: 'Started', value: (run) => dateTime(run.startedAt) },
        { label: 'Finished', value: (run) => dateTime(run.finishedAt) },
        { label: 'Progress', value: runProgress },
      ],
      runs.items,
      { empty: 'No runs yet', id: 'run-table' },
    ),
    pager(runs, load),
  );
  clearTimeout(refreshTimer);
  if (liveSyncOn || runs.items.some((run) => !isFinished(run))) refreshTimer = setTimeout(() => load(page), 3000);
}

byId('start-run').addEventListener('click', async (event) => {
  event.target.disabled = true;
  try {
    const { runId } = await post('/api/sync/runs');
    location.assign(`/runs/${runId}`);
  } catch (error) {
    say(byId('status'), problemText(error), 'error');
    event.target.disabled = false;
  }
});

await startPage();
await load();
showLiveSync(byId('live-sync'), (live) => {
  const wasOn = liveSyncOn;
  liveSyncOn = live.liveSync;
  if (liveSyncOn && !wasOn) load(shownPage);
}).catch((error) => say(byId('status'), problemText(error), 'error'));
