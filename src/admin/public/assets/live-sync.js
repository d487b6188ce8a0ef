// Live sync's activity on the runs page: whether it is on, the changes waiting, the live run taking them.
import { get } from './api.js';
import { dateTime, duration, h, replace } from './dom.js';
import { runProgress } from './progress.js';

const POLL_MS = 2000;

function summary(live) {
  if (!live.liveSync)
    return h('p', { id: 'live-state' }, 'Live Sync is off: MIS changes go to Smart Assessor with the daily run. Switch it on in ', h('a', { href: '/settings' }, 'Settings'), '.');
  if (!live.integrationEnabled) return h('p', { id: 'live-state', class: 'error-text' }, 'Live Sync is on, but the integration is disabled: nothing is sent.');
  const waiting =
    live.pendingChanges === 0
      ? 'no change waiting'
      : `${live.pendingChanges} change${live.pendingChanges === 1 ? '' : 's'} waiting (the oldest ${duration((Date.now() - Date.parse(live.oldestPendingAt)) / 1000)} old)`;
  return h('p', { id: 'live-state' }, h('strong', {}, 'Live Sync is on'), ` · ${waiting} · ${live.jobsInFlight} live job${live.jobsInFlight === 1 ? '' : 's'} queued or running`);
}

function latestRun(run) {
  if (!run) return h('p', { class: 'empty' }, 'No live run yet: one starts with the first change sent.');
  return h(
    'div',
    { id: 'live-run' },
    h('p', {}, 'Live run ', h('a', { href: `/runs/${run.runId}` }, run.runId.slice(0, 8)), ` started ${dateTime(run.startedAt)}`),
    runProgress(run),
  );
}

/** Shows live sync's activity in `container`, refreshed every couple of seconds while the page is open; `onChange` hears each answer. */
export async function showLiveSync(container, onChange = () => {}) {
  for (;;) {
    const live = await get('/api/sync/live');
    replace(container, summary(live), live.liveSync || live.latestRun ? latestRun(live.latestRun) : null);
    onChange(live);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
