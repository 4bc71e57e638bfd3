// The console's Audit page: what admins did (GET /api/v1/admin/audit),
// newest first, filtered by admin, action, member, result and time; pages;
// the filtered set as CSV. Read-only, like the log: nothing here changes a
// record. "#/audit?member_id=..." opens it on one member (the Members page
// links here).

const str = (value) => (typeof value === 'string' ? value : '');
const RESULTS = { done: ['Done', 'ok'], refused: ['Refused', 'bad'], failed: ['Failed', 'bad'] };

// "2026-12-07T17:05" (the browser's local time, as datetime-local gives it) as UTC "…Z", or "".
function utcOf(local) {
  if (!local) return '';
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? local : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// What the detail says besides the request's status, as "name: value" pairs.
function detailText(detail) {
  if (!detail || typeof detail !== 'object') return '';
  return Object.entries(detail)
    .filter(([key]) => key !== 'status' && key !== 'problem')
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

export function auditPage(root, kit) {
  const { api, el, field, pageHeader, timeEl } = kit;
  const params = kit.params();
  const select = (name, label, options) => el('div', { class: 'field' },
    el('label', { for: `field-${name}`, text: label }),
    el('select', { id: `field-${name}`, name, 'aria-describedby': `field-${name}-error` },
      options.map(([value, text]) => el('option', { value, text }))),
    el('p', { class: 'field-error', id: `field-${name}-error`, 'data-error-for': name }));
  const form = el('form', { class: 'card filters audit-filters', 'data-testid': 'audit-filters', novalidate: true },
    field({ name: 'admin', label: 'Admin', hint: 'Their email, or "operator" for the local socket' }),
    field({ name: 'action', label: 'Action', hint: 'Such as member.create or plugin.reload' }),
    field({ name: 'member_id', label: 'Member id' }),
    select('result', 'Result', [['', 'Any'], ['done', 'Done'], ['refused', 'Refused'], ['failed', 'Failed']]),
    field({ name: 'since', label: 'From (your time)', type: 'datetime-local' }),
    field({ name: 'until', label: 'Until (your time)', type: 'datetime-local' }),
    el('div', { class: 'filter-actions' },
      el('button', { type: 'submit', class: 'primary', 'data-testid': 'audit-apply', text: 'Show' }),
      el('button', { type: 'reset', text: 'Clear' })));
  for (const name of ['admin', 'action', 'member_id', 'result']) {
    const control = form.elements.namedItem(name);
    if (params.get(name)) control.value = params.get(name);
  }
  const count = el('p', { class: 'muted', role: 'status', 'data-testid': 'audit-count' });
  const csv = el('a', { class: 'button-link', 'data-testid': 'audit-csv', text: 'Download CSV', download: 'audit.csv' });
  const rows = el('tbody');
  const pager = kit.cursorPager((cursor) => load(cursor), 'audit');
  root.append(pageHeader('Audit'),
    el('p', { class: 'hint', text: 'Every change an admin made, and every console sign-in, as it happened. ' +
      'Nobody can edit or delete a record here; old ones are removed after the retention period.' }),
    form,
    el('div', { class: 'page-header' }, count, el('div', { class: 'actions' }, csv)),
    el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Admin actions' },
      el('table', { 'data-testid': 'audit-table' },
        el('thead', {}, el('tr', {}, ['Time', 'Admin', 'Action', 'Member', 'Reason', 'Result', 'IP address'].map((h) =>
          el('th', { scope: 'col', text: h })))),
        rows)),
    pager.element);

  function query() {
    const q = new URLSearchParams();
    for (const name of ['admin', 'action', 'member_id', 'result', 'since', 'until']) {
      let value = form.elements.namedItem(name).value.trim();
      if (name === 'since' || name === 'until') value = utcOf(value);
      if (value) q.set(name, value);
    }
    return q;
  }

  function row(r) {
    const [resultText, tone] = RESULTS[r.result] || [str(r.result), ''];
    const why = r.detail && r.detail.status ? ` (${r.detail.status}${r.detail.problem ? ` ${r.detail.problem}` : ''})` : '';
    const member = str(r.member_id);
    return el('tr', { 'data-testid': 'audit-row', 'data-action': str(r.action), 'data-result': str(r.result) },
      el('td', {}, timeEl(r.at)),
      el('td', { text: str(r.admin) }),
      el('td', {}, el('span', { class: 'mono', text: str(r.action) }),
        detailText(r.detail) ? el('div', { class: 'muted', text: detailText(r.detail) }) : null),
      el('td', {}, member ? el('a', { href: `#/members/${encodeURIComponent(member)}`, class: 'mono', text: member })
        : el('span', { class: 'muted', text: '—' })),
      el('td', { text: str(r.reason) || '—' }),
      el('td', {}, el('span', { class: `badge ${tone}`, text: resultText }), why),
      el('td', { class: 'mono', text: str(r.ip) }));
  }

  async function load(cursor = '') {
    kit.clearFieldErrors(form);
    const q = query();
    q.set('limit', '50');
    if (cursor) q.set('cursor', cursor);
    const result = await api('GET', `/api/v1/admin/audit?${q}`, { quiet: [422] });
    if (!result.ok) {
      if (result.status === 422) kit.showFieldErrors(form, result.problem);
      count.textContent = result.status === 422 ? 'Check the filters.' : '';
      return;
    }
    const items = result.data.items || [];
    rows.replaceChildren(...items.map(row));
    if (!items.length) rows.append(el('tr', {}, el('td', { colspan: '7', class: 'muted', text: 'No admin actions match.' })));
    count.textContent = items.length ? `Page ${pager.page(cursor)}: ${items.length} admin actions, newest first.`
      : 'No admin actions match.';
    pager.shown(cursor, result.data.next_cursor);
    const exported = query();
    exported.set('format', 'csv');
    csv.href = `/api/v1/admin/audit?${exported}`;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    pager.reset();
    load();
  });
  form.addEventListener('reset', () => setTimeout(() => form.requestSubmit()));
  return load();
}
