// The recent runs at a glance: one small bar chart each for duration, changes and failures (inline SVG).
import { duration, h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 320;
const HEIGHT = 120;
const AXIS = 18;

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return element;
}

function barChart(title, runs, valueOf, label, colour) {
  const values = runs.map(valueOf);
  const max = Math.max(1, ...values.map((value) => value ?? 0));
  const slot = (WIDTH - 8) / Math.max(runs.length, 1);
  const bars = runs.map((run, index) => {
    const value = values[index];
    const height = value === null ? 0 : Math.max(1, ((HEIGHT - AXIS - 12) * value) / max);
    const started = run.startedAt ? new Date(run.startedAt).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/London' }) : 'not started';
    return svg(
      'rect',
      { x: 4 + index * slot + slot * 0.15, y: HEIGHT - AXIS - height, width: Math.max(1, slot * 0.7), height, fill: colour, class: 'bar' },
      svg('title', {}, `${started}: ${value === null ? 'unfinished' : label(value)}`),
    );
  });
  return h(
    'figure',
    { class: 'chart' },
    h('figcaption', {}, `${title} (latest: ${values.length && values[values.length - 1] !== null ? label(values[values.length - 1]) : '—'})`),
    svg(
      'svg',
      { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: 'img', 'aria-label': title },
      svg('line', { x1: 0, y1: HEIGHT - AXIS, x2: WIDTH, y2: HEIGHT - AXIS, stroke: '#8a94a6', 'stroke-width': 1 }),
      svg('text', { x: 2, y: 10, 'font-size': 10, fill: '#5b6577' }, `max ${label(max)}`),
      svg('text', { x: 2, y: HEIGHT - 4, 'font-size': 10, fill: '#5b6577' }, `${runs.length} runs, oldest left`),
      ...bars,
    ),
  );
}

export function trendChart(runs) {
  if (runs.length === 0) return h('p', { class: 'empty' }, 'No whole-provider runs yet');
  return h(
    'div',
    { class: 'charts', id: 'trend-chart' },
    barChart('Duration', runs, (run) => run.durationSeconds, duration, '#1d4e89'),
    barChart(
      'Changes',
      runs,
      (run) => run.changes,
      (value) => `${value} changes`,
      '#2e7d32',
    ),
    barChart(
      'Failures',
      runs,
      (run) => run.failures,
      (value) => `${value} failed`,
      '#c62828',
    ),
  );
}
