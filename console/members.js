// The console's Members page: search by email prefix, create a member, and
// one member's facts, what an admin may do (member_actions.js), sessions and the plugin panels
// that show them. A page like any plugin's panel: it is given the kit
// (console/kit.js, pageKit) and the console's memberLinks(member),
// session() and sessionEnded().

import { memberActions } from './member_actions.js';

const str = (value) => (typeof value === 'string' ? value : '');
const rolesText = (roles) => (Array.isArray(roles) && roles.length ? roles.join(', ') : '—');

function lockedEl({ el, timeEl }, lockedUntil) {
  if (!lockedUntil || !(new Date(lockedUntil) > new Date())) return el('span', { class: 'muted', text: '—' });
  return el('span', {}, el('span', { class: 'badge bad', text: 'Locked' }), ' until ', timeEl(lockedUntil));
}

// The list's last column: disabled (an admin's doing) before locked (wrong guesses').
function standingEl(kit, member) {
  if (member.disabled_at) return kit.el('span', { class: 'badge bad', text: 'Disabled' });
  return lockedEl(kit, member.locked_until);
}

const memberSearch = { q: '' }; // kept, so "back to Members" shows the same list

function memberRow(kit, member) {
  const { el, timeEl } = kit;
  const href = `#/members/${encodeURIComponent(str(member.member_id))}`;
  const tr = el('tr', { class: 'clickable', 'data-testid': 'member-row', 'data-member-id': str(member.member_id) },
    el('td', {}, el('a', { href, text: str(member.email) })),
    el('td', { text: rolesText(member.roles) }),
    el('td', {}, timeEl(member.created_at)),
    el('td', {}, standingEl(kit, member)));
  // The link is the keyboard way in; a click anywhere on the row is the mouse's.
  tr.addEventListener('click', (event) => {
    if (!event.target.closest('a') && !String(window.getSelection())) location.hash = href;
  });
  return tr;
}

export function membersPage(root, kit, args) {
  if (args.length) return memberDetailPage(root, kit, args[0]);
  const { api, el, pageHeader } = kit;
  const q = el('input', { id: 'member-q', name: 'q', type: 'search', autocomplete: 'off', 'data-testid': 'member-search-input' });
  q.value = memberSearch.q;
  const search = el('form', { class: 'inline-form', role: 'search', id: 'member-search', 'data-testid': 'member-search' },
    el('label', { for: 'member-q', text: 'Email starts with' }), q, el('button', { type: 'submit', text: 'Search' }));
  const rows = el('tbody');
  const count = el('p', { class: 'muted', role: 'status', 'data-testid': 'member-count' });
  const more = el('button', { type: 'button', 'data-testid': 'member-more', text: 'More', hidden: true });
  let cursor = null;

  async function load(append) {
    const params = new URLSearchParams({ limit: '50' });
    if (memberSearch.q) params.set('q', memberSearch.q);
    if (append && cursor) params.set('cursor', cursor);
    more.disabled = true;
    const result = await api('GET', `/api/v1/admin/members?${params}`);
    more.disabled = false;
    if (!result.ok) return;
    const items = Array.isArray(result.data?.items) ? result.data.items : [];
    if (!append) rows.replaceChildren();
    rows.append(...items.map((member) => memberRow(kit, member)));
    cursor = result.data?.next_cursor || null;
    more.hidden = !cursor;
    const shown = rows.children.length;
    count.textContent = shown ? `${shown} member${shown === 1 ? '' : 's'} shown${cursor ? ', more available' : ''}` : 'No members match.';
  }

  search.addEventListener('submit', (event) => {
    event.preventDefault();
    memberSearch.q = q.value.trim();
    load(false);
  });
  more.addEventListener('click', () => load(true));
  root.append(pageHeader('Members'), createMemberForm(kit, () => load(false)), search,
    el('div', { class: 'table-wrap' }, el('table', { id: 'members-table' },
      el('thead', {}, el('tr', {}, ['Email', 'Roles', 'Created', 'Locked or disabled'].map((h) => el('th', { scope: 'col', text: h })))),
      rows)),
    count, more);
  load(false);
}

function createMemberForm(kit, onCreated) {
  const { api, el, problemText, showOutcome } = kit;
  const inputs = {
    email: el('input', { id: 'create-email', name: 'email', type: 'email', autocomplete: 'off', required: true, 'aria-describedby': 'create-email-error' }),
    password: el('input', { id: 'create-password', name: 'password', type: 'password', autocomplete: 'new-password', required: true, 'aria-describedby': 'create-password-hint create-password-error' }),
    roles: el('input', { id: 'create-admin', name: 'admin', type: 'checkbox', 'aria-describedby': 'create-admin-error' }),
  };
  const errors = {};
  for (const [field, input] of Object.entries(inputs)) {
    errors[field] = el('p', { id: `${input.id}-error`, class: 'field-error', 'data-testid': `create-${field}-error` });
  }
  const message = el('p', { class: 'form-message', role: 'status', tabindex: '-1', 'data-testid': 'member-create-message' });
  const form = el('form', { id: 'member-create-form', 'data-testid': 'member-create-form', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: 'create-email', text: 'Email' }), inputs.email, errors.email),
    el('div', { class: 'field' }, el('label', { for: 'create-password', text: 'Password' }), inputs.password,
      el('p', { id: 'create-password-hint', class: 'hint',
        text: 'A long phrase used nowhere else: at least 12 characters by default, not a common password, ' +
          'not one character repeated, not the name in the email address.' }), errors.password),
    el('div', { class: 'field checkbox' }, inputs.roles, el('label', { for: 'create-admin', text: 'Administrator' }), errors.roles),
    el('button', { type: 'submit', class: 'primary', text: 'Create member' }), message);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.className = 'form-message';
    message.replaceChildren();
    for (const [field, input] of Object.entries(inputs)) {
      errors[field].textContent = '';
      input.removeAttribute('aria-invalid');
    }
    const email = inputs.email.value.trim();
    const result = await api('POST', '/api/v1/admin/members', {
      body: { email, password: inputs.password.value, roles: inputs.roles.checked ? ['admin'] : [] },
    });
    if (result.ok) {
      const id = str(result.data?.member_id);
      form.reset();
      // The keyboard goes on from the outcome (its Open link next), not
      // from the emptied password field.
      showOutcome(message, true, `Created ${email}. `,
        id ? el('a', { href: `#/members/${encodeURIComponent(id)}`, text: 'Open' }) : '');
      onCreated();
      return;
    }
    const fieldErrors = result.problem?.errors && typeof result.problem.errors === 'object' ? result.problem.errors : {};
    const unplaced = [];
    let first = null;
    for (const [field, text] of Object.entries(fieldErrors)) {
      const target = field === 'roles' || field === 'email' || field === 'password' ? field : null;
      const textValue = Array.isArray(text) ? text.join(', ') : String(text);
      if (!target) { unplaced.push(`${field}: ${textValue}`); continue; }
      errors[target].textContent = textValue;
      inputs[target].setAttribute('aria-invalid', 'true');
      first = first || inputs[target];
    }
    message.className = 'form-message error';
    message.textContent = [result.problem ? problemText(result.problem) : 'The member was not created.', ...unplaced].join(' ');
    if (first) first.focus();
  });
  return el('details', { class: 'card', id: 'member-create', 'data-testid': 'member-create' },
    el('summary', { text: 'Create member' }), form);
}

function memberDetailPage(root, kit, memberId) {
  const { api, el, table, timeEl, memberLinks, sessionEnded } = kit;
  const muted = (text) => el('span', { class: 'muted', text });
  const heading = el('h1', { tabindex: '-1', text: 'Member' });
  const notice = el('p', { class: 'outcome ok', role: 'status', tabindex: '-1', 'data-testid': 'member-notice' });
  const body = el('div', { 'data-testid': 'member-detail' }, muted('Loading…'));
  root.append(el('a', { href: '#/members', class: 'back', text: '← Members' }), heading, notice, body);
  const path = `/api/v1/admin/members/${encodeURIComponent(memberId)}`;

  async function load() {
    const result = await api('GET', path);
    if (!result.ok || !result.data) {
      return body.replaceChildren(muted(result.status === 404 ? 'There is no such member.' : 'The member could not be loaded.'));
    }
    const member = result.data;
    heading.textContent = str(member.email) || 'Member';
    const sessions = Array.isArray(member.sessions) ? member.sessions : [];
    body.replaceChildren(
      el('dl', { class: 'facts' },
        el('dt', { text: 'Member id' }), el('dd', { class: 'mono', text: str(member.member_id) }),
        el('dt', { text: 'Roles' }), el('dd', { text: rolesText(member.roles) }),
        el('dt', { text: 'Created' }), el('dd', {}, timeEl(member.created_at)),
        el('dt', { text: 'Locked' }), el('dd', {}, lockedEl(kit, member.locked_until)),
        el('dt', { text: 'Account' }), el('dd', { 'data-testid': 'member-standing' }, member.disabled_at
          ? el('span', {}, el('span', { class: 'badge bad', text: 'Disabled' }), ' since ', timeEl(member.disabled_at))
          : 'Enabled'),
        member.closes_at ? el('dt', { text: 'Closing' }) : null,
        member.closes_at ? el('dd', { 'data-testid': 'member-closing' }, 'On ', timeEl(member.closes_at)) : null),
      memberLinks(member),
      memberActions(kit, member, changed),
      el('h2', { text: `Sessions (${sessions.length})` }),
      sessions.length
        ? table(['Started', 'Last seen', 'IP address', 'Browser'], sessions.map((s) =>
          el('tr', { 'data-testid': 'session-row', 'data-session-id': str(s.session_id) },
            el('td', {}, timeEl(s.created_at)), el('td', {}, timeEl(s.last_seen_at)),
            el('td', { class: 'mono', text: str(s.ip) }),
            el('td', { class: 'ua', title: str(s.user_agent), text: str(s.user_agent) || '—' }))),
        { id: 'sessions-table' }, 'Sessions')
        : muted('No active sessions.'));
  }

  // After an action: what happened, on the page drawn again (or, when the
  // admin ended their own sessions, the console's sign-in).
  async function changed(sentence, { signedOut = false } = {}) {
    if (signedOut) {
      sessionEnded();
      return sentence;
    }
    await load();
    notice.textContent = sentence;
    notice.focus();
    return sentence;
  }

  load();
}
