// The console's "Outbox": every message memberd sends and its delivery
// (queued, being sent, sent, failed with attempts, the last error and the
// next retry; a retry button for failed ones), a chart of deliveries per
// hour, and a form that sends a category message to its subscribers —
// showing how many will get it before it goes, and its progress after.
const SVG = 'http://www.w3.org/2000/svg';
const STATUS_TEXT = { queued: 'queued', sending: 'sending', sent: 'sent', failed: 'failed' };

export async function render(root, kit) {
  const { el, api } = kit;
  const number = (n) => Number(n || 0).toLocaleString('en-GB');

  // ---- the send form ----------------------------------------------------
  const field = (name, label, control, hint) => el('div', { class: 'field outbox-field' },
    el('label', { for: `ob-${name}`, text: label }), control,
    hint ? el('p', { class: 'hint', id: `ob-${name}-hint`, text: hint }) : null,
    el('p', { class: 'field-error', id: `ob-${name}-error`, 'data-error-for': name }));
  const category = el('select', { id: 'ob-category', name: 'category', 'aria-describedby': 'ob-category-error ob-audience' });
  const subject = el('input', { id: 'ob-subject', name: 'subject', type: 'text', maxlength: '200',
    'aria-describedby': 'ob-subject-error' });
  const text = el('textarea', { id: 'ob-text', name: 'text', rows: '6',
    'aria-describedby': 'ob-text-hint ob-text-error' });
  const html = el('textarea', { id: 'ob-html', name: 'html', rows: '4',
    'aria-describedby': 'ob-html-hint ob-html-error' });
  const audienceLine = el('p', { id: 'ob-audience', class: 'audience', role: 'status', 'data-testid': 'send-audience' });
  const sendButton = el('button', { type: 'submit', class: 'primary', 'data-testid': 'send-submit', text: 'Send' });
  const formMessage = el('p', { class: 'form-message', role: 'status', tabindex: '-1', 'data-testid': 'send-message' });
  const confirmSlot = el('div');
  const progress = el('div', { class: 'send-progress', 'data-testid': 'send-progress', 'aria-live': 'polite' });
  const form = el('form', { class: 'card send-form', 'data-testid': 'send-form', novalidate: true },
    el('h2', { text: 'Send to a category' }),
    field('category', 'Category', category),
    audienceLine,
    field('subject', 'Subject', subject),
    field('text', 'Message', text, 'Plain text. {{email}} stands for the member’s address. An unsubscribe link is added.'),
    field('html', 'HTML version (optional)', html, 'Sent beside the text for mail apps that show HTML.'),
    el('div', { class: 'actions' }, sendButton), confirmSlot, formMessage, progress);

  let categories = [];
  async function loadAudience() {
    const result = await api('GET', '/api/v1/admin/messages/audience', { quiet: true });
    if (!result.ok) {
      audienceLine.textContent = 'How many members each category reaches could not be loaded.';
      return;
    }
    const chosen = category.value;
    categories = result.data.categories || [];
    // None chosen until the admin chooses: a send to the wrong list cannot be taken back.
    category.replaceChildren(el('option', { value: '', text: 'Choose a category' }),
      ...categories.map((c) => el('option', { value: c.id, text: c.label })));
    if (chosen) category.value = chosen;
    showAudience();
  }
  function showAudience() {
    const c = categories.find((x) => x.id === category.value);
    if (!c) {
      audienceLine.textContent = '';
      sendButton.textContent = 'Send';
      return;
    }
    audienceLine.textContent = `${number(c.subscribed)} of ${number(c.members)} members will get it` +
      (c.unsubscribed ? ` (${number(c.unsubscribed)} switched ${c.label} off).` : '.');
    sendButton.textContent = `Send to ${number(c.subscribed)} ${c.subscribed === 1 ? 'member' : 'members'}`;
  }
  category.addEventListener('change', showAudience);

  function clearErrors() {
    for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
    for (const slot of form.querySelectorAll('.field-error')) slot.textContent = '';
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors();
    formMessage.textContent = '';
    const body = { category: category.value, subscribers: true, subject: subject.value, text: text.value };
    if (html.value.trim()) body.html = html.value;
    // A complete form is asked about first, naming what will happen; an
    // incomplete one goes to the daemon, whose answer marks the fields.
    const chosen = categories.find((x) => x.id === category.value);
    if (chosen && subject.value.trim() && text.value.trim()) {
      const count = `${number(chosen.subscribed)} ${chosen.subscribed === 1 ? 'member' : 'members'}`;
      const sure = await kit.confirmStep(confirmSlot, {
        question: `Send “${subject.value.trim()}” to ${count} of ${chosen.label}? It cannot be called back.`,
        yes: `Yes, send to ${count}`, testid: 'send-confirm', returnFocus: sendButton,
      });
      if (!sure) return;
    }
    sendButton.disabled = true;
    formMessage.className = 'form-message';
    formMessage.textContent = 'Starting the send…';
    const result = await api('POST', '/api/v1/admin/messages', { body, quiet: [422] });
    sendButton.disabled = false;
    if (!result.ok) {
      const errors = (result.problem && result.problem.errors) || {};
      let first = null;
      for (const [name, message] of Object.entries(errors)) {
        const slot = form.querySelector(`[data-error-for="${name}"]`);
        const control = form.elements.namedItem(name);
        if (slot) slot.textContent = Array.isArray(message) ? message.join(' ') : String(message);
        if (control) control.setAttribute('aria-invalid', 'true');
        first = first || control;
      }
      formMessage.className = 'form-message error';
      formMessage.textContent = Object.keys(errors).length ? 'Check the fields marked above.'
        : (result.problem && result.problem.detail) || 'The send could not be started.';
      if (first) first.focus();
      return;
    }
    formMessage.className = 'form-message ok';
    formMessage.textContent = 'The send has started.';
    kit.announce(formMessage.textContent);
    // The keyboard goes on from what happened, not from the button.
    formMessage.focus();
    follow(result.data.id);
  });

  // Queuing happens a page of members at a time, delivery after it: both
  // are shown until nothing of the send is waiting any more.
  async function follow(sendId) {
    for (;;) {
      const send = await api('GET', `/api/v1/admin/messages/${encodeURIComponent(sendId)}`, { quiet: true });
      if (!send.ok) return;
      const summary = await api('GET', `/api/v1/admin/outbox/summary?batch=${encodeURIComponent(send.data.batch)}&hours=1`,
        { quiet: true });
      const counts = (summary.ok && summary.data.counts) || {};
      const waiting = (counts.queued || 0) + (counts.sending || 0);
      const queuing = send.data.status === 'running';
      progress.replaceChildren(
        el('p', { 'data-testid': 'send-queuing', text: queuing
          ? `Queuing: ${number(send.data.queued)} of about ${number(send.data.expected)} queued so far.`
          : `Queued ${number(send.data.queued)}; ${number(send.data.skipped_unsubscribed)} skipped (not subscribed).` }),
        el('p', { 'data-testid': 'send-delivery' },
          el('span', { class: 'badge', text: `${number(waiting)} waiting` }), ' ',
          el('span', { class: 'badge ok', text: `${number(counts.sent)} sent` }), ' ',
          el('span', { class: 'badge bad', text: `${number(counts.failed)} failed` })),
        !queuing && waiting === 0 ? el('p', { class: 'form-message ok', 'data-testid': 'send-finished',
          text: 'This send is finished.' }) : null);
      if (!queuing && waiting === 0) {
        await Promise.all([loadList(), drawChart(), loadAudience()]);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (!progress.isConnected) return;
    }
  }

  // ---- the chart ----------------------------------------------------------
  const chart = el('figure', { class: 'card outbox-chart', 'data-testid': 'outbox-chart' });
  const totals = el('p', { class: 'muted', 'data-testid': 'outbox-counts' });
  async function drawChart() {
    const result = await api('GET', '/api/v1/admin/outbox/summary?hours=24', { quiet: true });
    if (!result.ok) return chart.replaceChildren(el('p', { class: 'muted', text: 'The delivery chart could not be loaded.' }));
    const c = result.data.counts || {};
    totals.textContent = `Now: ${number(c.queued)} queued, ${number(c.sending)} being sent, ${number(c.sent)} sent, ` +
      `${number(c.failed)} failed.`;
    chart.replaceChildren(...hourChart(el, result.data.hours || []));
  }

  // ---- the list -------------------------------------------------------------
  const statusFilter = el('select', { id: 'ob-status', 'data-testid': 'outbox-status' },
    [['', 'Every message'], ['queued', 'Queued'], ['sent', 'Sent'], ['failed', 'Failed']]
      .map(([value, label]) => el('option', { value, text: label })));
  // The kit's table: on a phone each message is a card, each value under
  // its heading, instead of a table scrolled sideways.
  const messages = kit.table(['Queued', 'To', 'Subject', 'Status', 'Attempts', 'Last error', ''], [],
    { class: 'outbox-table', 'data-testid': 'outbox-table' }, 'Outgoing messages');
  const rows = messages.querySelector('tbody');
  const listLine = el('p', { class: 'muted', role: 'status', 'data-testid': 'outbox-line' });
  const pager = kit.cursorPager((cursor) => loadList(cursor), 'outbox');
  async function loadList(cursor = '') {
    const q = new URLSearchParams({ limit: '50' });
    if (statusFilter.value) q.set('status', statusFilter.value);
    if (cursor) q.set('cursor', cursor);
    const result = await api('GET', `/api/v1/admin/outbox?${q}`, { quiet: true });
    if (!result.ok) {
      listLine.textContent = 'The outbox could not be loaded. Try again in a moment.';
      return;
    }
    const items = result.data.items || [];
    rows.replaceChildren(...items.map(row));
    if (!items.length) rows.append(el('tr', {}, el('td', { colspan: '7', class: 'muted', text: 'No messages here.' })));
    listLine.textContent = items.length ? `Page ${pager.page(cursor)}: ${items.length} messages, newest first.`
      : 'No messages here.';
    pager.shown(cursor, result.data.next_cursor);
  }
  statusFilter.addEventListener('change', () => {
    pager.reset();
    loadList();
  });

  function row(m) {
    const outcome = el('span', { class: 'outcome', role: 'status' });
    let action = null;
    if (m.status === 'failed') {
      action = el('button', { type: 'button', 'data-testid': 'outbox-retry', text: 'Retry',
        'aria-label': `Retry the message to ${m.to}` });
      action.addEventListener('click', async () => {
        action.disabled = true;
        const result = await api('POST', `/api/v1/admin/outbox/${encodeURIComponent(m.id)}/retry`, { quiet: true });
        if (result.ok) {
          outcome.className = 'outcome ok';
          outcome.textContent = 'Queued again.';
          badge.className = 'badge';
          badge.textContent = 'queued';
        } else {
          action.disabled = false;
          outcome.className = 'outcome error';
          outcome.textContent = (result.problem && result.problem.detail) || 'Not retried.';
        }
        kit.announce(outcome.textContent);
      });
    }
    const badge = el('span', { class: `badge ${m.status === 'sent' ? 'ok' : m.status === 'failed' ? 'bad' : ''}`,
      text: STATUS_TEXT[m.status] || m.status });
    return el('tr', { 'data-testid': 'outbox-row', 'data-status': m.status },
      el('td', {}, el('time', { datetime: m.created_at, text: kit.dualTime(m.created_at) })),
      el('td', { class: 'recipient', text: m.to }),
      el('td', {}, el('span', { class: 'name', text: m.subject }),
        m.category ? el('span', { class: 'muted block', text: m.category }) : null),
      el('td', {}, badge),
      el('td', { text: String(m.attempts) }),
      el('td', { class: 'last-error' },
        m.last_error ? el('span', { class: 'error-text', 'data-testid': 'outbox-error', text: m.last_error }) : null,
        m.next_attempt_at ? el('span', { class: 'muted block', text: `Next try ${kit.dualTime(m.next_attempt_at)}` }) : null),
      el('td', { class: 'actions-cell' }, action, outcome));
  }

  root.append(form,
    el('div', { class: 'page-header' }, el('h2', { text: 'Deliveries, last 24 hours' }), totals), chart,
    el('div', { class: 'page-header' }, el('h2', { text: 'Messages' }),
      el('div', { class: 'field inline' }, el('label', { for: 'ob-status', text: 'Show' }), statusFilter)),
    listLine,
    messages,
    pager.element);
  await Promise.all([loadAudience(), drawChart(), loadList()]);
}

// Sent and failed per hour, as stacked bars; the figure says the totals in words.
function hourChart(el, hours) {
  const width = 720, height = 150, left = 34, bottom = 22, top = 8;
  const peak = Math.max(1, ...hours.map((h) => h.sent + h.failed));
  const node = (tag, attrs, ...children) => {
    const n = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
    n.append(...children);
    return n;
  };
  const slot = (width - left) / Math.max(1, hours.length);
  let sent = 0, failed = 0;
  const bars = hours.map((h, i) => {
    sent += h.sent;
    failed += h.failed;
    const scale = (n) => (n / peak) * (height - bottom - top);
    const x = left + i * slot, hs = scale(h.sent), hf = scale(h.failed);
    return node('g', {}, node('title', {}, `${h.hour.slice(0, 13).replace('T', ' ')}:00 GMT: ${h.sent} sent, ${h.failed} failed`),
      node('rect', { x, y: height - bottom - hs, width: Math.max(1, slot - 1), height: hs, class: 'bar-sent' }),
      node('rect', { x, y: height - bottom - hs - hf, width: Math.max(1, slot - 1), height: hf, class: 'bar-failed' }));
  });
  const label = (iso) => (iso ? `${iso.slice(11, 13)}:00` : '');
  const svg = node('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart',
    'aria-label': `Messages per hour over the last ${hours.length} hours: ${sent} sent, ${failed} failed.` },
  node('line', { x1: left, y1: height - bottom, x2: width, y2: height - bottom, class: 'axis' }),
  node('text', { x: left - 4, y: top + 10, 'text-anchor': 'end', class: 'tick' }, String(peak)),
  node('text', { x: left - 4, y: height - bottom, 'text-anchor': 'end', class: 'tick' }, '0'),
  node('text', { x: left, y: height - 6, class: 'tick' }, label(hours[0] && hours[0].hour)),
  node('text', { x: width, y: height - 6, 'text-anchor': 'end', class: 'tick' }, label(hours.length && hours[hours.length - 1].hour)),
  ...bars);
  return [svg, el('figcaption', { 'data-testid': 'outbox-chart-caption' },
    el('span', { class: 'key key-sent', text: `${sent} sent` }), ' ',
    el('span', { class: 'key key-failed', text: `${failed} failed` }), ' — per hour (GMT)')];
}
