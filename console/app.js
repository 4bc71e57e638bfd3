// memberd admin console: plain JS, no framework, no build step. The daemon
// serves this file from memory at /console/app.js.
//
// How the file is laid out:
//   1. DOM helpers. Everything that comes from the API goes in as text
//      (el(), from kit.js, shared with the member shell, uses
//      textContent/setAttribute); innerHTML is never used.
//   2. Formatting: times as GMT and local (kit.js dualTime()).
//   3. api(): kit.js's request() (session cookie, CSRF header, problem+json)
//      with problems shown in the banner.
//   4. Header: readiness strip, signed-in user, sign out, nav.
//   5. Pages: one function each, `render(root, args)`, listed in PAGES.
//   6. Router: "#/<page>/<arg>/..." picks the PAGES entry.
// To add a page (sign-ins, ...): write its render function and add
// one entry to PAGES; the nav and the router pick it up. Plugins add their
// own panels without touching this file: GET /api/v1/ui lists them and
// pluginPanelPage() loads their modules (docs/web.md).
import { announce, el, pageHeader, pageKit, loadStyles, request, table, timeEl } from './kit.js';
import { reviewsPage } from './reviews.js';

(() => {
  // ---- 1. DOM helpers -------------------------------------------------------

  const $ = (selector) => document.querySelector(selector);

  const muted = (text) => el('span', { class: 'muted', text });

  // ---- 2. Formatting --------------------------------------------------------

  function lockedEl(lockedUntil) {
    if (!lockedUntil || !(new Date(lockedUntil) > new Date())) return muted('—');
    return el('span', {}, el('span', { class: 'badge bad', text: 'Locked' }), ' until ', timeEl(lockedUntil));
  }

  const rolesText = (roles) => (Array.isArray(roles) && roles.length ? roles.join(', ') : '—');

  // Retry-After is either seconds or an HTTP date (RFC 9110 §10.2.3).
  const str = (value) => (typeof value === 'string' ? value : '');

  function problemText(problem) {
    const title = str(problem.title), detail = str(problem.detail);
    return [title, detail].filter(Boolean).join(': ') || 'The request failed.';
  }

  // ---- 3. API ---------------------------------------------------------------

  const state = { session: null, returnTo: null, csrfFallback: '', notice: '', panels: [], navigation: 0 };
  // kit.js's request(), plus what the console does with a problem: the
  // banner, and a 401 on a session call meaning the session has ended.
  // Never throws. Resolves to {ok, status, data, problem, headers}.
  // options.body: sent as JSON. options.quiet: true, or statuses whose problem
  // the caller shows itself (otherwise every problem goes to the banner).
  // options.authCall: a 401 is an answer here, not "the session has ended".
  async function api(method, path, options = {}) {
    const { body, quiet = [], authCall = false } = options;
    const result = await request(method, path, { body, csrf: state.csrfFallback });
    const { problem } = result;
    if (!problem) return result;
    if (result.status === 401 && !authCall && state.session) sessionEnded();
    if (quiet !== true && !quiet.includes(result.status)) {
      showBanner(problem, result.status >= 500 ? result.headers.get('X-Request-Id') : null);
    }
    return result;
  }

  function showBanner(problem, requestId) {
    const errors = problem.errors && typeof problem.errors === 'object' ? Object.entries(problem.errors) : [];
    $('#banner-text').replaceChildren(
      el('strong', { text: str(problem.title) || 'Something went wrong' }),
      str(problem.detail) ? el('span', { text: ` ${problem.detail}` }) : null,
      errors.length ? el('ul', {}, errors.map(([field, message]) =>
        el('li', { text: `${field}: ${Array.isArray(message) ? message.join(', ') : String(message)}` }))) : null,
      requestId ? el('span', { class: 'muted', text: ` (request id ${requestId})` }) : null);
    $('#banner').hidden = false;
  }

  function hideBanner() { $('#banner').hidden = true; }

  // ---- 4. Header ------------------------------------------------------------

  async function refreshHealth() {
    const badge = $('#health');
    const result = await api('GET', '/readyz', { quiet: true, authCall: true });
    badge.className = `badge ${result.ok ? 'ok' : 'bad'}`;
    const text = result.ok ? 'Ready' : result.status === 0 ? 'Unreachable' : 'Not ready';
    if (badge.textContent !== text) badge.textContent = text; // a live region: speak changes only
    let why = result.problem ? str(result.problem.detail) : '';
    const missing = result.data && result.data.missing;
    if (!why && Array.isArray(missing)) why = `Missing: ${missing.join(', ')}`;
    badge.title = result.ok ? 'Database and every enabled plugin are up' : why || `GET /readyz answered ${result.status}`;
  }

  async function loadSession() {
    const result = await api('GET', '/api/v1/session', { quiet: [401], authCall: true });
    // A member's session (from Account Settings, same cookie) is not the
    // console's: only an admin's counts here.
    const admin = result.ok && result.data && Array.isArray(result.data.roles) && result.data.roles.includes('admin');
    state.session = admin ? result.data : null;
    state.memberEmail = result.ok && result.data && !admin ? str(result.data.email) : '';
    await loadPanels();
    updateHeader();
  }

  // The loaded plugins' console panels (GET /api/v1/ui, admins only see
  // them). Read again on every navigation: a swapped plugin's panel is a
  // new module URL, a removed one leaves the menu.
  async function loadPanels() {
    if (!state.session) {
      state.panels = [];
      return;
    }
    const result = await api('GET', '/api/v1/ui', { quiet: [401, 503] });
    state.panels = result.ok && result.data && Array.isArray(result.data.console) ? result.data.console : [];
  }

  function updateHeader(activePage) {
    const session = state.session;
    $('#user').hidden = !session;
    $('#user-email').textContent = session ? str(session.email) : '';
    $('#nav').hidden = !session;
    const current = location.hash.split('?')[0];
    $('#nav-list').replaceChildren(
      ...PAGES.filter((page) => page.nav).map((page) =>
        el('li', {}, el('a', {
          href: `#/${page.path}`, text: page.title, 'data-testid': `nav-${page.path}`,
          'aria-current': page === activePage ? 'page' : null, onclick: redrawIfShown,
        }))),
      ...(state.panels || []).filter((panel) => panel.menu).map((panel) => {
        const href = panelHash(panel);
        return el('li', {}, el('a', {
          href, text: str(panel.title), 'data-testid': `nav-plugin-${panel.plugin}-${panel.id}`,
          'aria-current': current === href ? 'page' : null, onclick: redrawIfShown,
        }));
      }));
  }

  // A menu entry for the page already shown draws it again (the Reviews
  // list with what arrived since), as a link to the same page would reload
  // it: the hash does not change, so no hashchange would.
  function redrawIfShown(event) {
    if (location.hash !== event.currentTarget.getAttribute('href')) return;
    event.preventDefault();
    route();
  }

  async function refreshNav() {
    await loadPanels();
    updateHeader(PAGES.find((page) => page.path === 'plugins'));
  }

  const panelHash = (panel) => `#/plugin/${encodeURIComponent(panel.plugin)}/${encodeURIComponent(panel.id)}`;

  async function signOut() {
    const result = await api('DELETE', '/api/v1/admin/session', { authCall: true, quiet: [401] });
    if (result.ok || result.status === 401) {
      state.session = null;
      updateHeader();
      go('#/signin');
    }
  }

  // The route change hides the banner, so the sign-in page says why it is back.
  function sessionEnded() {
    state.session = null;
    state.notice = 'Your session has ended. Sign in again.';
    state.returnTo = location.hash;
    updateHeader();
    go('#/signin');
  }

  // ---- 5. Pages -------------------------------------------------------------

  function signinPage(root) {
    const email = el('input', { id: 'signin-email', name: 'email', type: 'email', autocomplete: 'username', required: true, 'data-autofocus': true });
    const password = el('input', { id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const message = el('p', { id: 'signin-message', class: 'form-message error', role: 'alert', 'data-testid': 'signin-message' });
    const submit = el('button', { type: 'submit', class: 'primary', 'data-testid': 'signin-submit', text: 'Sign in' });
    const form = el('form', { id: 'signin-form', class: 'card narrow', 'data-testid': 'signin-form' },
      el('h1', { tabindex: '-1', text: 'Sign in' }),
      el('div', { class: 'field' }, el('label', { for: 'signin-email', text: 'Email' }), email),
      el('div', { class: 'field' }, el('label', { for: 'signin-password', text: 'Password' }), password),
      state.memberEmail ? el('p', { class: 'hint', 'data-testid': 'signin-member-note',
        text: `You are signed in to Account Settings as ${state.memberEmail}; the console needs an admin to sign in.` }) : null,
      message, submit);
    message.textContent = state.notice;
    state.notice = '';
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      message.textContent = '';
      submit.disabled = true;
      const result = await api('POST', '/api/v1/admin/session', {
        body: { email: email.value.trim(), password: password.value }, authCall: true,
      });
      if (result.ok) {
        state.csrfFallback = str(result.data && result.data.csrf_token);
        password.value = '';
        await loadSession();
        if (state.session) {
          const to = state.returnTo && !state.returnTo.startsWith('#/signin') ? state.returnTo : `#/${DEFAULT_PAGE}`;
          state.returnTo = null;
          go(to);
          return;
        }
        message.textContent = 'Signed in, but the browser did not keep the session cookie. Allow cookies for this site.';
      } else if (result.status === 401) {
        message.textContent = 'Email or password is wrong';
        password.value = '';
        password.focus();
      } else if (result.status === 429) {
        message.textContent = result.retryAfter
          ? `Too many attempts. Try again in ${result.waitText}.` : 'Too many attempts. Try again later.';
        if (result.retryAfter) {
          setTimeout(() => { submit.disabled = false; message.textContent = ''; }, result.retryAfter * 1000);
          return;
        }
      } else if (result.problem) {
        message.textContent = problemText(result.problem);
      }
      submit.disabled = false;
    });
    root.append(form);
  }

  const PLUGIN_STATES = { ok: ['loaded', 'running', 'active', 'serving'], bad: ['failed', 'error', 'broken'] };

  function stateBadge(value) {
    const text = str(value) || 'unknown';
    const kind = PLUGIN_STATES.ok.includes(text) ? 'ok' : PLUGIN_STATES.bad.includes(text) ? 'bad' : 'neutral';
    return el('span', { class: `badge ${kind}`, 'data-testid': 'plugin-state', text });
  }

  function pluginsPage(root) {
    const outcomes = new Map(); // plugin name -> {ok, text} of its last reload
    const body = el('div', { 'data-testid': 'plugins' }, muted('Loading…'));
    root.append(pageHeader('Plugins', el('button', { type: 'button', text: 'Refresh', onclick: () => load() })), body);

    async function load(focusName) {
      const result = await api('GET', '/api/v1/admin/plugins');
      if (!result.ok) return body.replaceChildren(muted('The plugin list could not be loaded.'));
      const plugins = Array.isArray(result.data) ? result.data : [];
      if (!plugins.length) return body.replaceChildren(muted('No plugins are enabled.'));
      body.replaceChildren(table(['Plugin', 'State', 'API', 'File', 'Loaded', 'Last error', 'Actions'],
        plugins.map(row), { id: 'plugins-table' }, 'Plugins'));
      if (focusName) {
        const match = [...body.querySelectorAll('[data-testid="plugin-row"]')].find((tr) => tr.dataset.plugin === focusName);
        if (match) match.querySelector('button').focus();
      }
    }

    function row(plugin) {
      const name = str(plugin.name);
      const outcome = outcomes.get(name);
      const unloaded = plugin.state === 'unloaded';
      const button = el('button', {
        type: 'button', 'data-testid': 'plugin-reload', 'aria-label': `${unloaded ? 'Load' : 'Reload'} ${name}`,
        text: unloaded ? 'Load' : 'Reload',
      });
      const unload = el('button', {
        type: 'button', class: 'danger', 'data-testid': 'plugin-unload', 'aria-label': `Unload ${name}`,
        text: 'Unload', hidden: plugin.state !== 'loaded',
      });
      const result = el('span', {
        class: `outcome ${outcome ? (outcome.ok ? 'ok' : 'error') : ''}`,
        'data-testid': 'plugin-reload-result', text: outcome ? outcome.text : '',
      });
      button.addEventListener('click', () => reload(name, button, result));
      unload.addEventListener('click', () => takeOut(name, unload, result));
      return el('tr', { 'data-testid': 'plugin-row', 'data-plugin': name },
        el('th', { scope: 'row' }, el('span', { class: 'name', text: name }), ' ', muted(str(plugin.version))),
        el('td', {}, stateBadge(plugin.state)),
        el('td', { text: plugin.api_version ?? '' }),
        el('td', { class: 'mono break', text: plugin.file ?? '' }),
        el('td', {}, timeEl(plugin.loaded_at)),
        el('td', { class: 'error-text', 'data-testid': 'plugin-last-error', text: plugin.last_error || '' }),
        el('td', { class: 'actions-cell' }, button, ' ', unload, result));
    }

    // A reload or an unload: the button waits, the outcome shows beside it
    // and is said to screen readers, then the menu (a loaded plugin's
    // panels join it, an unloaded one's leave) and the row are read again.
    async function pluginAction(name, action, button, result, { busy, done, failed }) {
      button.disabled = true;
      result.className = 'outcome';
      result.textContent = busy;
      const answer = await api('POST', `/api/v1/admin/plugins/${encodeURIComponent(name)}/${action}`);
      const outcome = answer.ok
        ? { ok: true, text: done(answer.data) }
        : { ok: false, text: `${failed} ${answer.problem ? problemText(answer.problem) : ''}`.trim() };
      outcomes.set(name, outcome);
      announce(`${name}: ${outcome.text}`);
      button.disabled = false;
      result.className = `outcome ${outcome.ok ? 'ok' : 'error'}`;
      result.textContent = outcome.text;
      await refreshNav();
      await load(name); // the new version, state and last_error
    }

    const reload = (name, button, result) => pluginAction(name, 'reload', button, result, {
      busy: 'Reloading…',
      done: (data) => (typeof data?.swap_ms === 'number' ? `Reloaded in ${data.swap_ms.toFixed(1)} ms` : 'Reloaded'),
      failed: 'Reload failed; the running version keeps serving.',
    });
    // Its routes, pages and panels go at once; a reload brings it back.
    const takeOut = (name, button, result) => pluginAction(name, 'unload', button, result, {
      busy: 'Unloading…', done: () => 'Unloaded; Load brings it back', failed: 'Unload failed.',
    });

    load();
  }

  const memberSearch = { q: '' }; // kept, so "back to Members" shows the same list

  function memberRow(member) {
    const href = `#/members/${encodeURIComponent(str(member.member_id))}`;
    const tr = el('tr', { class: 'clickable', 'data-testid': 'member-row', 'data-member-id': str(member.member_id) },
      el('td', {}, el('a', { href, text: str(member.email) })),
      el('td', { text: rolesText(member.roles) }),
      el('td', {}, timeEl(member.created_at)),
      el('td', {}, lockedEl(member.locked_until)));
    // The link is the keyboard way in; a click anywhere on the row is the mouse's.
    tr.addEventListener('click', (event) => {
      if (!event.target.closest('a') && !String(window.getSelection())) location.hash = href;
    });
    return tr;
  }

  function membersPage(root, args) {
    if (args.length) return memberDetailPage(root, args[0]);
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
      rows.append(...items.map(memberRow));
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
    root.append(pageHeader('Members'), createMemberForm(() => load(false)), search,
      el('div', { class: 'table-wrap' }, el('table', { id: 'members-table' },
        el('thead', {}, el('tr', {}, ['Email', 'Roles', 'Created', 'Locked'].map((h) => el('th', { scope: 'col', text: h })))),
        rows)),
      count, more);
    load(false);
  }

  function createMemberForm(onCreated) {
    const inputs = {
      email: el('input', { id: 'create-email', name: 'email', type: 'email', autocomplete: 'off', required: true, 'aria-describedby': 'create-email-error' }),
      password: el('input', { id: 'create-password', name: 'password', type: 'password', autocomplete: 'new-password', required: true, 'aria-describedby': 'create-password-hint create-password-error' }),
      roles: el('input', { id: 'create-admin', name: 'admin', type: 'checkbox', 'aria-describedby': 'create-admin-error' }),
    };
    const errors = {};
    for (const [field, input] of Object.entries(inputs)) {
      errors[field] = el('p', { id: `${input.id}-error`, class: 'field-error', 'data-testid': `create-${field}-error` });
    }
    const message = el('p', { class: 'form-message', role: 'status', 'data-testid': 'member-create-message' });
    const form = el('form', { id: 'member-create-form', 'data-testid': 'member-create-form', novalidate: true },
      el('div', { class: 'field' }, el('label', { for: 'create-email', text: 'Email' }), inputs.email, errors.email),
      el('div', { class: 'field' }, el('label', { for: 'create-password', text: 'Password' }), inputs.password,
        el('p', { id: 'create-password-hint', class: 'hint', text: 'At least 12 characters by default; no other rules.' }), errors.password),
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
        message.className = 'form-message ok';
        message.append(`Created ${email}. `, id ? el('a', { href: `#/members/${encodeURIComponent(id)}`, text: 'Open' }) : '');
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

  function memberDetailPage(root, memberId) {
    const heading = el('h1', { tabindex: '-1', text: 'Member' });
    const notice = el('p', { class: 'outcome ok', role: 'status', 'data-testid': 'member-notice' });
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
      const signOutAll = el('button', { type: 'button', class: 'danger', 'data-testid': 'member-signout-all', text: 'Sign out everywhere' });
      signOutAll.addEventListener('click', () => signOutEverywhere(member, signOutAll));
      body.replaceChildren(
        el('dl', { class: 'facts' },
          el('dt', { text: 'Member id' }), el('dd', { class: 'mono', text: str(member.member_id) }),
          el('dt', { text: 'Roles' }), el('dd', { text: rolesText(member.roles) }),
          el('dt', { text: 'Created' }), el('dd', {}, timeEl(member.created_at)),
          el('dt', { text: 'Locked' }), el('dd', {}, lockedEl(member.locked_until))),
        memberPanelLinks(member),
        el('div', { class: 'page-header' }, el('h2', { text: `Sessions (${sessions.length})` }), el('div', { class: 'actions' }, signOutAll)),
        sessions.length
          ? table(['Started', 'Last seen', 'IP address', 'Browser'], sessions.map((s) =>
            el('tr', { 'data-testid': 'session-row', 'data-session-id': str(s.session_id) },
              el('td', {}, timeEl(s.created_at)), el('td', {}, timeEl(s.last_seen_at)),
              el('td', { class: 'mono', text: str(s.ip) }),
              el('td', { class: 'ua', title: str(s.user_agent), text: str(s.user_agent) || '—' }))),
          { id: 'sessions-table' }, 'Sessions')
          : muted('No active sessions.'));
    }

    async function signOutEverywhere(member, button) {
      const who = str(member.email) || 'this member';
      if (!window.confirm(`Sign ${who} out of every session? They will have to sign in again.`)) return;
      button.disabled = true;
      const result = await api('DELETE', `${path}/sessions`);
      if (!result.ok) { button.disabled = false; return; }
      if (state.session && state.session.member_id === member.member_id) return sessionEnded(); // that included us
      notice.textContent = `${who} was signed out everywhere.`;
      load();
    }

    load();
  }

  // A plugin's panel: its style sheets, then its ES module's render(root,
  // kit). The module is the plugin's own code, served by the daemon from
  // the plugin (docs/web.md); a panel that fails says so in its place.
  // Links to the plugin panels that show one member: a panel module that
  // exports `memberLink` (its text) is opened with ?member_id=&email=.
  function memberPanelLinks(member) {
    const list = el('ul', { class: 'member-panel-links', 'data-testid': 'member-panel-links' });
    for (const panel of state.panels || []) {
      import(panel.module).then((module) => {
        if (typeof module.memberLink !== 'string') return;
        const query = new URLSearchParams({ member_id: str(member.member_id), email: str(member.email) });
        list.append(el('li', {}, el('a', {
          href: `${panelHash(panel)}?${query}`, text: module.memberLink,
          'data-testid': `member-link-${panel.plugin}-${panel.id}`,
        })));
      }).catch(() => {}); // a panel that fails to load offers no link; its page says why
    }
    return list;
  }

  // What the console's pages and the plugins' panels and review views are
  // given: the one kit both shells give (kit.js, pageKit; docs/web.md, "The kit").
  const kit = pageKit({ api, go, params: () => state.params });

  function pluginPanelPage(root, [plugin, id]) {
    const panel = (state.panels || []).find((p) => p.plugin === plugin && p.id === id);
    if (!panel) {
      root.append(pageHeader('Panel not loaded'),
        el('p', { 'data-testid': 'panel-missing', text: `No loaded plugin offers the panel ${plugin}/${id}.` }));
      return;
    }
    document.title = `${panel.title} · memberd console`;
    const body = el('div', { class: 'plugin-panel', 'data-testid': 'plugin-panel', 'data-plugin': plugin });
    root.append(pageHeader(str(panel.title)), body);
    loadStyles(panel.styles);
    import(panel.module)
      .then((module) => module.render(body, kit))
      .catch(() => {
        body.replaceChildren(el('p', {
          class: 'error', role: 'alert', 'data-testid': 'panel-failed',
          text: `The ${plugin} panel could not be shown. Reload the page; if it stays, check the plugin.`,
        }));
      });
  }

  // ---- 6. Router ------------------------------------------------------------

  // nav: shown in the header; public: reachable without a session.
  const PAGES = [
    { path: 'plugins', title: 'Plugins', nav: true, render: pluginsPage },
    { path: 'members', title: 'Members', nav: true, render: membersPage },
    { path: 'reviews', title: 'Reviews', nav: true,
      render: (root, args) => reviewsPage(root, kit, args) },
    { path: 'signin', title: 'Sign in', public: true, render: signinPage },
    { path: 'plugin', title: 'Plugin panel', render: pluginPanelPage },
  ];
  const DEFAULT_PAGE = 'plugins';

  function go(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  }

  async function route() {
    // A later navigation overtakes one still reading the panels.
    const turn = ++state.navigation;
    if (state.session) await loadPanels();
    if (turn !== state.navigation) return;
    // "#/<page>/<part>...?<params>": the parameters go to plugin panels.
    const raw = location.hash.replace(/^#\/?/, '');
    const q = raw.indexOf('?');
    state.params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
    const parts = (q < 0 ? raw : raw.slice(0, q)).split('/').filter(Boolean).map((part) => {
      try { return decodeURIComponent(part); } catch { return part; }
    });
    const page = PAGES.find((p) => p.path === parts[0]);
    if (!page) {
      history.replaceState(null, '', `#/${state.session ? DEFAULT_PAGE : 'signin'}`);
      return route();
    }
    if (!page.public && !state.session) {
      state.returnTo = location.hash;
      return go('#/signin');
    }
    if (page.path === 'signin' && state.session) return go(`#/${DEFAULT_PAGE}`);
    hideBanner();
    updateHeader(page);
    document.title = `${page.title} · memberd console`;
    // Each page draws into a container of its own: one still drawing when
    // another navigation comes draws into a detached node, never under the
    // next page.
    const main = $('#main');
    const view = el('div', { class: 'page-view' });
    main.replaceChildren(view);
    // Focus goes where the page asks once it has drawn itself (a review item
    // reads its kind's view first), unless another navigation came since.
    let failure = null;
    try { await page.render(view, parts.slice(1)); } catch (error) { failure = error; }
    if (turn !== state.navigation) return;
    const target = main.querySelector('[data-autofocus]') || main.querySelector('h1') || main;
    target.focus();
    if (failure) throw failure; // a page's bug stays visible (the browser tests fail on it)
  }

  async function start() {
    $('#banner-dismiss').addEventListener('click', hideBanner);
    $('#signout').addEventListener('click', signOut);
    $('#skip-link').addEventListener('click', (event) => { event.preventDefault(); $('#main').focus(); });
    window.addEventListener('hashchange', route);
    refreshHealth();
    setInterval(refreshHealth, 30000);
    await loadSession();
    route();
  }

  start();
})();
