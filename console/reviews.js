// The console's "Reviews": the host's review queue, whatever plugins fill
// it. The list shows the oldest first with the pending and overdue counts
// on top, kind and overdue filters, and bulk approval; an item shows what
// would change, its age, due time and history, with claim, approve and
// reject (a reason offered from the kind's list, or written). After a
// decision the next item opens, so the queue is worked through from the
// keyboard. Each kind is what its plugin declared (Host::add_review_kind,
// GET /api/v1/admin/reviews/kinds): its title, reasons and the module that
// shows an item; a kind nobody declared shows its fields as a table.
const AGE_UNITS = [[86400, 'd'], [3600, 'h'], [60, 'min']];

function age(seconds) {
  for (const [size, unit] of AGE_UNITS) if (seconds >= size) return `${Math.floor(seconds / size)} ${unit}`;
  return `${Math.max(0, Math.floor(seconds))} s`;
}

function text(value) {
  if (value === null || value === undefined || value === '') return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

// The kinds the serving plugins declared, by kind, with each one's module
// (loaded once per page; null when it has none or it failed to load).
async function loadKinds(kit) {
  const listed = await kit.api('GET', '/api/v1/admin/reviews/kinds', { quiet: true });
  const declared = (listed.ok && listed.data.kinds) || [];
  for (const kind of declared) kit.loadStyles(kind.styles);
  const views = await Promise.all(declared.map((kind) => (kind.module ? import(kind.module).catch(() => null) : null)));
  return new Map(declared.map((kind, i) => [kind.kind, { ...kind, view: views[i] }]));
}

// What would change, field by field: published beside pending, the
// changed rows marked. `order` puts known fields first, `labels` names
// them; the rest follow by name. A plugin's view may use it (kit.fieldChanges).
export function fieldChanges(kit, item, { order = [], labels = {}, show = {} } = {}) {
  const { el, table } = kit;
  const pending = item.fields || {};
  const published = item.published_fields || {};
  const names = [...new Set([...Object.keys(published), ...Object.keys(pending)])].sort();
  const ordered = [...order.filter((n) => names.includes(n)), ...names.filter((n) => !order.includes(n))];
  // A value as people read it: `show[name]` turns a stored one into words
  // (a country's code into its name); absent stays empty.
  const shown = (name, value) => {
    if (value === undefined || value === null || value === '' || typeof show[name] !== 'function') return text(value);
    try { return String(show[name](value)); } catch { return text(value); }
  };
  return table(['Field', 'Published', 'Pending'], ordered.map((name) => {
    const changed = text(published[name]) !== text(pending[name]);
    return el('tr', { class: changed ? 'changed' : null, 'data-testid': changed ? 'field-changed' : null },
      el('th', { scope: 'row', text: labels[name] || name }), el('td', { text: shown(name, published[name]) }),
      el('td', {}, changed ? el('strong', { text: shown(name, pending[name]) }) : shown(name, pending[name])));
  }), { class: 'review-diff' }, 'What changes');
}

export async function reviewsPage(root, consoleKit, args) {
  const kit = { ...consoleKit, fieldChanges: (item, options) => fieldChanges(consoleKit, item, options) };
  const kinds = await loadKinds(kit);
  if (args[0]) return itemPage(root, kit, kinds, args[0]);
  return listPage(root, kit, kinds);
}

function listPage(root, kit, kinds) {
  const { api, el, announce, pageHeader, table, timeEl } = kit;
  const figures = el('p', { class: 'review-figures', role: 'status', 'data-testid': 'review-figures' });
  const kind = el('select', { id: 'review-kind', 'aria-label': 'Kind' },
    el('option', { value: '', text: 'Every kind' }),
    [...kinds.values()].map((k) => el('option', { value: k.kind, text: k.title })));
  // Waiting items by default; decided and replaced ones on request.
  const status = el('select', { id: 'review-status', 'data-testid': 'review-status-filter' },
    Object.entries(STATUS_WORDS).map(([value, words]) => el('option', { value, text: words })));
  const overdue = el('input', { type: 'checkbox', id: 'review-overdue' });
  const overdueLabel = el('label', { class: 'inline' }, overdue, ' Overdue only');
  const bulk = el('button', { type: 'button', 'data-testid': 'bulk-approve', disabled: true, text: 'Approve selected' });
  const message = el('p', { class: 'form-message', role: 'status', 'data-testid': 'review-message' });
  const list = el('div', { 'data-testid': 'review-list' });
  root.append(pageHeader('Reviews'), figures,
    // Each label stays with its control when the line wraps on a phone.
    el('div', { class: 'review-filters' },
      el('span', { class: 'filter' }, el('label', { for: 'review-status', text: 'Show' }), status),
      el('span', { class: 'filter' }, el('label', { for: 'review-kind', text: 'Kind' }), kind), overdueLabel, bulk),
    message, list);

  const selected = new Set();
  async function load() {
    const waiting = status.value === 'pending';
    overdueLabel.hidden = !waiting;
    bulk.hidden = !waiting;
    const query = new URLSearchParams({ limit: '100', status: status.value });
    if (kind.value) query.set('kind', kind.value);
    if (waiting && overdue.checked) query.set('overdue', 'true');
    const [summary, page] = await Promise.all([
      api('GET', '/api/v1/admin/reviews/summary'),
      api('GET', `/api/v1/admin/reviews?${query}`),
    ]);
    if (summary.ok) {
      const s = summary.data;
      figures.textContent = `${s.pending} pending, ${s.overdue} overdue` +
        (s.pending ? `; the oldest has waited ${age(s.oldest_pending_seconds)}.` : '.');
    }
    selected.clear();
    bulk.disabled = true;
    if (!page.ok) return;
    const items = page.data.items || [];
    if (items.length === 0) {
      list.replaceChildren(el('p', { 'data-testid': 'review-empty',
        text: waiting ? 'Nothing waits for a decision.' : `No ${STATUS_WORDS[status.value].toLowerCase()} items.` }));
      return;
    }
    if (!waiting) {
      list.replaceChildren(table(['Member', 'Kind', 'Submitted', 'Decided', ''], items.map((item) =>
        el('tr', { 'data-testid': 'review-row' },
          el('td', {}, text(item.member_email || item.member_id)),
          el('td', {}, kindTitle(kinds, item.kind), thumbnail(kinds, item, kit)),
          el('td', {}, timeEl(item.submitted_at)),
          el('td', {}, timeEl(item.decided_at)),
          el('td', {}, openLink(el, item)))), {}, 'Decided items'));
      return;
    }
    list.replaceChildren(table(['', 'Member', 'Kind', 'Submitted', 'Due', ''], items.map((item) => {
      const box = el('input', { type: 'checkbox', 'aria-label': `Select ${item.member_email || item.member_id}` });
      box.addEventListener('change', () => {
        if (box.checked) selected.add(item.revision_id);
        else selected.delete(item.revision_id);
        bulk.disabled = selected.size === 0;
        bulk.textContent = selected.size ? `Approve ${selected.size} selected` : 'Approve selected';
      });
      return el('tr', { 'data-testid': 'review-row', class: item.overdue ? 'overdue' : null },
        el('td', {}, box),
        el('td', {}, text(item.member_email || item.member_id)),
        el('td', {}, kindTitle(kinds, item.kind), thumbnail(kinds, item, kit)),
        el('td', {}, timeEl(item.submitted_at)),
        el('td', {}, timeEl(item.due_at), item.overdue ? el('span', { class: 'badge bad', text: ' overdue' }) : null),
        el('td', {}, openLink(el, item)));
    }), {}, 'Review queue'));
  }
  bulk.addEventListener('click', async () => {
    bulk.disabled = true;
    const result = await api('POST', '/api/v1/admin/reviews/approve', { body: { revision_ids: [...selected] } });
    if (result.ok) {
      const conflicts = result.data.results.filter((r) => r.status !== 'approved').length;
      message.textContent = `Approved ${result.data.approved}.` + (conflicts ? ` ${conflicts} had changed meanwhile.` : '');
      announce(message.textContent);
    }
    load();
  });
  kind.addEventListener('change', load);
  status.addEventListener('change', load);
  overdue.addEventListener('change', load);
  load();
}

// The list's choice of items, by the status the API takes.
const STATUS_WORDS = {
  pending: 'Waiting', approved: 'Approved', rejected: 'Rejected', superseded: 'Replaced', withdrawn: 'Withdrawn',
};

// An item's link, named for the screen reader's list of links.
function openLink(el, item) {
  return el('a', { href: `#/reviews/${encodeURIComponent(item.revision_id)}`, 'data-testid': 'review-open',
    class: 'review-open', 'aria-label': `Review ${item.member_email || item.member_id}`,
    text: item.status === 'pending' ? 'Review' : 'Open' });
}

function kindTitle(kinds, kind) {
  return (kinds.get(kind) && kinds.get(kind).title) || kind;
}

// The kind's own small picture of an item for its row, if it has one (a
// DOM node, returned at once).
function thumbnail(kinds, item, kit) {
  const view = kinds.get(item.kind) && kinds.get(item.kind).view;
  if (!view || typeof view.thumbnail !== 'function') return null;
  try {
    const node = view.thumbnail(item, kit);
    return node instanceof Node ? node : null;
  } catch { return null; }
}

// How long a kind's view may take to draw an item before the field table
// stands in: a view that never settles must not keep Approve and Reject
// from the admin.
const VIEW_PATIENCE_MS = 5000;

// The kind's view of what would change; the field table when it has none,
// or its view throws, gives something that is not a DOM node, or takes
// longer than VIEW_PATIENCE_MS.
export async function whatChanges(kinds, item, kit, patienceMs = VIEW_PATIENCE_MS) {
  const view = kinds.get(item.kind) && kinds.get(item.kind).view;
  if (view && typeof view.render === 'function') {
    let timer;
    const late = new Promise((resolve) => { timer = setTimeout(() => resolve(null), patienceMs); });
    try {
      const node = await Promise.race([Promise.resolve().then(() => view.render(item, kit)), late]);
      if (node instanceof Node) return node;
    } catch { /* the table below */ } finally { clearTimeout(timer); }
  }
  return fieldChanges(kit, item);
}

async function itemPage(root, kit, kinds, revisionId) {
  const { api, el, notify, go, pageHeader, timeEl } = kit;
  const path = `/api/v1/admin/reviews/${encodeURIComponent(revisionId)}`;
  const loaded = await api('GET', path);
  root.append(el('a', { href: '#/reviews', class: 'back', text: '← Reviews' }));
  if (!loaded.ok) {
    root.append(pageHeader('Review item'), el('p', { 'data-testid': 'review-missing', text: 'This item does not exist.' }));
    return;
  }
  const item = loaded.data;
  // Who did a step: the member, else an admin by email (an id only when
  // the account is gone), else the operator.
  const who = (id, email) => (id === item.member_id ? 'the member' : email || id);
  const waited = (Date.now() - new Date(item.submitted_at).getTime()) / 1000;
  const message = el('p', { class: 'form-message', role: 'alert', 'data-testid': 'decision-message' });

  const what = await whatChanges(kinds, item, kit);
  root.append(pageHeader(`${kindTitle(kinds, item.kind)} of ${text(item.member_email)}`),
    item.status === 'pending'
      ? el('p', { 'data-testid': 'review-status', text: `Waiting; submitted ${age(waited)} ago, due ` },
        timeEl(item.due_at), item.overdue ? el('span', { class: 'badge bad', text: ' overdue' }) : null,
        item.claimed_by ? ` · claimed by ${who(item.claimed_by, item.claimed_by_email)}` : '')
      : el('p', { 'data-testid': 'review-status' },
        `${STATUS_WORDS[item.status] || item.status}`, item.decided_at ? ' ' : '',
        item.decided_at ? timeEl(item.decided_at) : null),
    what);

  if (item.status === 'pending') {
    const claim = el('button', { type: 'button', 'data-testid': 'review-claim', text: 'Claim' });
    const approve = el('button', { type: 'button', class: 'primary', 'data-testid': 'review-approve', text: 'Approve' });
    const reasons = el('select', { id: 'reject-template' },
      el('option', { value: '', text: 'Choose a reason…' }));
    const reason = el('textarea', { id: 'reject-reason', name: 'reason', rows: '3', maxlength: '500',
      'aria-describedby': 'reject-reason-error' });
    const reject = el('button', { type: 'submit', 'data-testid': 'review-reject', text: 'Reject' });
    const rejectForm = el('form', { class: 'card reject-form', novalidate: true },
      el('h2', { text: 'Reject' }),
      el('div', { class: 'field' }, el('label', { for: 'reject-template', text: 'A reason from the list' }), reasons),
      el('div', { class: 'field' }, el('label', { for: 'reject-reason', text: 'Reason the member will read' }), reason,
        el('p', { class: 'field-error', id: 'reject-reason-error', 'data-error-for': 'reason' })),
      el('div', { class: 'actions' }, reject));
    root.append(el('div', { class: 'actions review-actions' }, approve, claim), message, rejectForm);
    for (const r of (kinds.get(item.kind) && kinds.get(item.kind).reject_reasons) || []) {
      reasons.append(el('option', { value: r, text: r }));
    }
    reasons.addEventListener('change', () => { if (reasons.value) reason.value = reasons.value; });
    approve.setAttribute('data-autofocus', '');

    async function decided(result, verb) {
      if (result.ok) {
        const next = await api('GET', '/api/v1/admin/reviews?limit=2');
        const following = ((next.ok && next.data.items) || []).find((i) => i.revision_id !== revisionId);
        notify(following ? `${verb}. This is the next item waiting.` : `${verb}. No more items are waiting.`);
        return go(following ? `#/reviews/${encodeURIComponent(following.revision_id)}` : '#/reviews');
      }
      if (result.status === 422) {
        const slot = rejectForm.querySelector('[data-error-for="reason"]');
        slot.textContent = (result.problem && result.problem.errors && result.problem.errors.reason) || 'Give a reason.';
        reason.setAttribute('aria-invalid', 'true');
        reason.focus();
        return;
      }
      message.textContent = (result.problem && result.problem.detail) || 'Not saved. Reload and try again.';
    }
    approve.addEventListener('click', async () => decided(await api('POST', `${path}/approve`, { body: {}, quiet: [409] }), 'Approved'));
    claim.addEventListener('click', async () => {
      let result = await api('POST', `${path}/claim`, { body: {}, quiet: [409] });
      if (result.status === 409 && window.confirm('Another admin claimed this item. Take the claim over?'))
        result = await api('POST', `${path}/claim`, { body: { take_over: true }, quiet: [409] });
      if (result.ok) go(`#/reviews/${encodeURIComponent(revisionId)}`);
      else message.textContent = (result.problem && result.problem.detail) || 'Not claimed.';
    });
    rejectForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      decided(await api('POST', `${path}/reject`, { body: { reason: reason.value }, quiet: [409, 422] }), 'Rejected');
    });
  } else if (item.reason) {
    root.append(el('p', { 'data-testid': 'review-reason', text: `Reason: ${item.reason}` }));
  }

  root.append(el('h2', { text: 'History' }), el('ol', { class: 'review-history', 'data-testid': 'review-history' },
    (item.history || []).map((h) => el('li', {}, `${h.step.replaceAll('_', ' ')} by ${who(h.by, h.by_email)}, `,
      timeEl(h.at)))));
}
