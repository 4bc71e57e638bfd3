// The console's "Sign-ins": every member's sign-ins and failed attempts,
// newest first, filtered by member email, IP or network, country, anonymous
// proxy, outcome and time; a chart of successes and failures over time for
// the same filters above the table; pages; the filtered set as CSV.
import { attemptDetail } from './attempt.js';
import { deviceName } from './device.js';
import { ipLink, placeText } from './place.js';

// The console's member page links here with the member preselected.
export const memberLink = 'Sign-ins of this member';

const FILTERS = ['email', 'member_id', 'ip', 'country', 'anonymous', 'outcome', 'kind', 'since', 'until'];
const SVG = 'http://www.w3.org/2000/svg';

export async function render(root, kit) {
  const { el, api } = kit;
  const params = kit.params ? kit.params() : new URLSearchParams();

  const field = (name, label, input, hint) => el('div', { class: 'field' },
    el('label', { for: `si-${name}`, text: label }), input,
    hint ? el('p', { class: 'hint', id: `si-${name}-hint`, text: hint }) : null,
    el('p', { class: 'field-error', id: `si-${name}-error`, 'data-error-for': name }));
  const input = (name, type = 'text', extra = {}) => el('input', { id: `si-${name}`, name, type,
    'aria-describedby': `si-${name}-error`, value: params.get(name) || '', ...extra });
  const select = (name, options) => {
    const s = el('select', { id: `si-${name}`, name, 'aria-describedby': `si-${name}-error` },
      options.map(([value, text]) => el('option', { value, text })));
    s.value = params.get(name) || '';
    return s;
  };
  const memberId = params.get('member_id') || '';
  const form = el('form', { class: 'card filters sign-in-filters', 'data-testid': 'sign-in-filters', novalidate: true },
    field('email', 'Member email', input('email', 'email', { autocomplete: 'off' })),
    field('ip', 'IP address or network', input('ip', 'text', { placeholder: '81.2.69.0/24' })),
    field('country', 'Country code', input('country', 'text', { maxlength: '2', placeholder: 'GB' })),
    field('anonymous', 'Anonymous proxy', select('anonymous', [['', 'Any'], ['true', 'Only anonymous'], ['false', 'Not anonymous']])),
    field('outcome', 'Result', select('outcome', [['', 'Any'], ['success', 'Signed in'], ['failure', 'Failed attempts']])),
    field('kind', 'Kind of failure', select('kind', [['', 'Any'], ['sign_in', 'At sign-in'],
      ['in_session', 'While signed in'], ['mailed_link', 'With a reset link']])),
    field('since', 'From (your time)', input('since', 'datetime-local', { value: localValue(params.get('since')) })),
    field('until', 'Until (your time)', input('until', 'datetime-local', { value: localValue(params.get('until')) })),
    el('div', { class: 'filter-actions' },
      el('button', { type: 'submit', class: 'primary', 'data-testid': 'sign-in-apply', text: 'Show' }),
      el('button', { type: 'reset', text: 'Clear' })));
  const chart = el('figure', { class: 'card sign-in-chart', 'data-testid': 'sign-in-chart' });
  const summaryLine = el('p', { class: 'muted', role: 'status', 'data-testid': 'sign-in-count' });
  const csv = el('a', { class: 'button-link', 'data-testid': 'sign-in-csv', text: 'Download CSV', download: 'sign-ins.csv' });
  const rows = el('tbody');
  const pager = kit.cursorPager((cursor) => load(cursor), 'sign-in');
  root.append(form, chart,
    el('div', { class: 'page-header' }, summaryLine, el('div', { class: 'actions' }, csv)),
    el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Sign-ins' },
      el('table', { 'data-testid': 'sign-ins-table' },
        el('thead', {}, el('tr', {}, ['Time', 'Member', 'Result', 'IP address', 'IP location', 'Device'].map((h) =>
          el('th', { scope: 'col', text: h })))),
        rows)),
    pager.element);

  // What the form asks for, as the API's query.
  function query() {
    const q = new URLSearchParams();
    for (const name of FILTERS) {
      const control = form.elements.namedItem(name);
      let value = control ? control.value.trim() : (name === 'member_id' ? memberId : '');
      if ((name === 'since' || name === 'until') && value) value = new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');
      if (value) q.set(name, value);
    }
    return q;
  }

  async function load(cursor = '') {
    const q = query();
    for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
    for (const slot of form.querySelectorAll('.field-error')) slot.textContent = '';
    q.set('limit', '50');
    if (cursor) q.set('cursor', cursor);
    const result = await api('GET', `/api/v1/admin/sign-ins?${q}`, { quiet: [422] });
    if (!result.ok) {
      const errors = (result.problem && result.problem.errors) || {};
      let first = null;
      for (const [name, message] of Object.entries(errors)) {
        const slot = form.querySelector(`[data-error-for="${name}"]`);
        if (!slot) continue;
        slot.textContent = Array.isArray(message) ? message.join(' ') : String(message);
        const control = form.elements.namedItem(name);
        if (control) control.setAttribute('aria-invalid', 'true');
        first = first || control;
      }
      if (first) first.focus();
      summaryLine.textContent = 'Check the filters.';
      return;
    }
    const items = result.data.items || [];
    rows.replaceChildren(...items.map((r) => el('tr', { 'data-testid': 'sign-in-row', 'data-outcome': r.outcome,
      'data-kind': r.kind || null },
      el('td', {}, el('time', { datetime: r.at, text: kit.dualTime(r.at) })),
      el('td', { text: r.email || (r.member_id ? r.member_id : 'no such member') }),
      el('td', { 'data-testid': 'sign-in-what' }, el('span', { class: `badge ${r.outcome === 'success' ? 'ok' : 'bad'}`,
        text: r.outcome === 'success' ? 'signed in' : 'failed' }),
        r.outcome === 'success' ? null : el('span', { class: 'muted attempt-detail', text: attemptDetail(r) })),
      el('td', {}, ipLink(el, r)),
      el('td', { 'data-testid': 'sign-in-location', text: placeText(r) },
        r.new_location ? [' ', el('span', { class: 'badge', 'data-testid': 'new-location', text: 'new location' })] : null),
      el('td', { class: 'ua', title: r.user_agent || '', text: deviceName(r.user_agent) }))));
    if (!items.length) rows.append(el('tr', {}, el('td', { colspan: '6', class: 'muted', text: 'No sign-ins match.' })));
    const page = pager.page(cursor);
    summaryLine.textContent = items.length ? `Page ${page}: ${items.length} sign-ins, newest first.` : 'No sign-ins match.';
    pager.shown(cursor, result.data.next_cursor);
    const exported = query();
    exported.set('format', 'csv');
    csv.href = `/api/v1/admin/sign-ins?${exported}`;
  }

  async function drawChart() {
    const q = query();
    const span = q.get('since') && q.get('until') ? Date.parse(q.get('until')) - Date.parse(q.get('since')) : 0;
    q.set('bucket', span && span <= 3 * 86400000 ? 'hour' : 'day');
    const result = await api('GET', `/api/v1/admin/sign-ins/summary?${q}`, { quiet: [422] });
    if (!result.ok) return chart.replaceChildren();
    chart.replaceChildren(...barChart(el, result.data));
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    pager.reset();
    load();
    drawChart();
  });
  form.addEventListener('reset', () => setTimeout(() => form.requestSubmit()));
  if (memberId && !params.get('email')) summaryLine.textContent = 'One member’s sign-ins.';
  await Promise.all([load(), drawChart()]);
}

// "2026-11-29T12:17:00Z" as a datetime-local value in the browser's zone.
function localValue(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

// Stacked bars: successes (accent) and failures (red) per bucket, from the
// range's start to its end, with a text alternative for screen readers.
function barChart(el, summary) {
  const width = 720, height = 160, left = 34, bottom = 22, top = 8;
  const step = summary.bucket_seconds * 1000;
  const start = Math.floor(Date.parse(summary.since) / step) * step;
  const end = Date.parse(summary.until);
  const slots = Math.max(1, Math.min(400, Math.ceil((end - start + 1) / step)));
  const counts = new Map((summary.buckets || []).map((b) => [Date.parse(b.start), b]));
  const peak = Math.max(1, ...[...counts.values()].map((b) => b.success + b.failure));
  const node = (tag, attrs, ...children) => {
    const n = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
    n.append(...children);
    return n;
  };
  let successes = 0, failures = 0;
  const bars = [];
  const slotWidth = (width - left) / slots;
  for (let i = 0; i < slots; i++) {
    const b = counts.get(start + i * step);
    if (!b) continue;
    successes += b.success;
    failures += b.failure;
    const x = left + i * slotWidth;
    const h = (n) => (n / peak) * (height - bottom - top);
    const hs = h(b.success), hf = h(b.failure);
    const label = `${new Date(start + i * step).toISOString().slice(0, step < 86400000 ? 13 : 10).replace('T', ' ')}: ` +
      `${b.success} signed in, ${b.failure} failed`;
    bars.push(node('g', {}, node('title', {}, label),
      node('rect', { x, y: height - bottom - hs, width: Math.max(1, slotWidth - 1), height: hs, class: 'bar-success' }),
      node('rect', { x, y: height - bottom - hs - hf, width: Math.max(1, slotWidth - 1), height: hf, class: 'bar-failure' })));
  }
  const day = (t) => new Date(t).toISOString().slice(0, 10);
  const svg = node('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart',
    'aria-label': `Sign-ins per ${step < 86400000 ? 'hour' : 'day'} from ${day(start)} to ${day(end)}: ` +
      `${successes} signed in, ${failures} failed.` },
  node('line', { x1: left, y1: height - bottom, x2: width, y2: height - bottom, class: 'axis' }),
  node('text', { x: left - 4, y: top + 10, 'text-anchor': 'end', class: 'tick' }, String(peak)),
  node('text', { x: left - 4, y: height - bottom, 'text-anchor': 'end', class: 'tick' }, '0'),
  node('text', { x: left, y: height - 6, class: 'tick' }, day(start)),
  node('text', { x: width, y: height - 6, 'text-anchor': 'end', class: 'tick' }, day(end)),
  ...bars);
  return [svg, el('figcaption', { 'data-testid': 'sign-in-chart-caption' },
    el('span', { class: 'key key-success', text: `${successes} signed in` }), ' ',
    el('span', { class: 'key key-failure', text: `${failures} failed` }),
    ` — per ${step < 86400000 ? 'hour' : 'day'}, ${day(start)} to ${day(end)} (GMT)`)];
}
