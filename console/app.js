// memberd admin console: plain JS, no framework, no build step. The daemon
// serves this file from memory at /console/app.js.
//
// How the file is laid out:
//   1. Helpers. Everything that comes from the API goes in as text (el(),
//      from kit.js, shared with the member shell, uses
//      textContent/setAttribute); innerHTML is never used.
//   2. api(): kit.js's request() (session cookie, CSRF header, problem+json)
//      with problems shown in the banner.
//   3. Header: readiness strip, signed-in user, sign out, nav.
//   4. Pages: sign-in and a plugin's panel here; Plugins, Cluster, Members,
//      Reviews and Audit are modules of their own (plugins.js, cluster.js,
//      members.js, reviews.js, audit.js) given
//      the kit as a plugin's panel is, listed in PAGES.
//   5. Router: "#/<page>/<arg>/..." picks the PAGES entry.
// To add a page (sign-ins, ...): write its module, `page(root, kit, args)`,
// and add one entry to PAGES; the nav and the router pick it up. Plugins add their
// own panels without touching this file: GET /api/v1/ui lists them and
// pluginPanelPage() loads their modules (docs/web.md).
import { ageNotice, drawAndFocus, el, notify, pageHeader, pageKit, loadStyles, problemText, request } from './kit.js';
import { auditPage } from './audit.js';
import { clusterPage } from './cluster.js';
import { membersPage } from './members.js';
import { pluginsPage } from './plugins.js';
import { reviewsPage } from './reviews.js';

(() => {
  // ---- 1. Helpers -----------------------------------------------------------

  const $ = (selector) => document.querySelector(selector);
  const str = (value) => (typeof value === 'string' ? value : '');

  // ---- 2. API ---------------------------------------------------------------

  const state = { session: null, returnTo: null, csrfFallback: '', panels: [], panelsRead: 0, navigation: 0 };
  // kit.js's request(), plus what the console does with a problem: the
  // banner, and a 401 on a session call meaning the session has ended.
  // Never throws. Resolves to {ok, status, data, problem, headers}.
  // options.body: sent as JSON. options.quiet: true, or statuses whose problem
  // the caller shows itself (otherwise every problem goes to the banner).
  // options.authCall: a 401 is an answer here, not "the session has ended".
  async function api(method, path, options = {}) {
    const { body, quiet = [], authCall = false } = options;
    const result = await request(method, path, { body, csrf: state.csrfFallback, blob: options.blob });
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
    // replaceChildren() writes a null as the text "null": only what is there.
    $('#banner-text').replaceChildren(...[
      el('strong', { text: str(problem.title) || 'Something went wrong' }),
      str(problem.detail) ? el('span', { text: ` ${problem.detail}` }) : null,
      errors.length ? el('ul', {}, errors.map(([field, message]) =>
        el('li', { text: `${field}: ${Array.isArray(message) ? message.join(', ') : String(message ?? '')}` }))) : null,
      requestId ? el('span', { class: 'muted', text: ` (request id ${requestId})` }) : null].filter(Boolean));
    $('#banner').hidden = false;
  }

  function hideBanner() { $('#banner').hidden = true; }

  // ---- 3. Header ------------------------------------------------------------

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
  // The waiting reviews' count for the menu is read with them.
  async function loadPanels() {
    if (!state.session) {
      state.panelsRead++;  // a read still out for the admin that was is not kept
      state.panels = [];
      state.waiting = null;
      return;
    }
    // Two navigations close together read twice, and the answers may come
    // back in either order: an older answer never replaces a newer one.
    const read = ++state.panelsRead;
    const [result, summary] = await Promise.all([
      api('GET', '/api/v1/ui', { quiet: [401, 503] }),
      api('GET', '/api/v1/admin/reviews/summary', { quiet: true }),
    ]);
    if (read !== state.panelsRead) return;
    state.panels = result.ok && result.data && Array.isArray(result.data.console) ? result.data.console : [];
    state.waiting = summary.ok && summary.data ? Number(summary.data.pending) || 0 : null;
  }

  // A menu entry's words: Reviews carries how many wait for a decision.
  function navLabel(page) {
    if (page.path !== 'reviews' || !state.waiting) return [page.title];
    return [page.title, ' ', el('span', { class: 'badge nav-count', 'data-testid': 'nav-reviews-waiting',
      text: String(state.waiting) }), el('span', { class: 'visually-hidden', text: ' waiting' })];
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
          href: `#/${page.path}`, 'data-testid': `nav-${page.path}`,
          'aria-current': page === activePage ? 'page' : null, onclick: redrawIfShown,
        }, navLabel(page)))),
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

  // After a plugin loads or leaves: the menu again, marking the page shown
  // now (the admin may have moved on while the reload ran).
  async function refreshNav() {
    await loadPanels();
    updateHeader(state.activePage);
  }

  const panelHash = (panel) => `#/plugin/${encodeURIComponent(panel.plugin)}/${encodeURIComponent(panel.id)}`;

  async function signOut() {
    const result = await api('DELETE', '/api/v1/admin/session', { authCall: true, quiet: [401] });
    if (result.ok || result.status === 401) {
      state.session = null;
      updateHeader();
      notify('You are signed out.');
      go('#/signin');
    }
  }

  // The route change hides the banner; the notice says on the sign-in page
  // why the admin is back there.
  function sessionEnded() {
    state.session = null;
    state.navigation++;  // a route still reading is overtaken: sign-in is drawn once, the notice kept
    notify('Your session has ended. Sign in again.', 'info');
    state.returnTo = location.hash;
    updateHeader();
    go('#/signin');
  }

  // ---- 4. Pages -------------------------------------------------------------

  // The second step of a console sign-in: a code from the admin's app or one
  // of their recovery codes, sent to the two_step plugin's route (which the
  // member pages use too) with the challenge the password step gave.
  function secondStep(passwordForm, challenge, signedIn) {
    let method = (challenge.methods || []).includes('totp') ? 'totp' : 'recovery_code';
    const label = el('label', { for: 'signin-code' });
    const code = el('input', { id: 'signin-code', name: 'code', autocomplete: 'one-time-code', required: true });
    const message = el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'signin-code-message' });
    const toggle = el('button', { type: 'button', class: 'link-button', 'data-testid': 'signin-code-toggle' });
    const show = () => {
      label.textContent = method === 'totp' ? 'Code from your authenticator app' : 'Recovery code';
      code.setAttribute('inputmode', method === 'totp' ? 'numeric' : 'text');
      toggle.textContent = method === 'totp' ? 'Use a recovery code instead' : 'Use the code from your app instead';
      toggle.hidden = !(challenge.methods || []).includes(method === 'totp' ? 'recovery_code' : 'totp');
    };
    toggle.addEventListener('click', () => { method = method === 'totp' ? 'recovery_code' : 'totp'; code.value = ''; show(); code.focus(); });
    const submit = el('button', { type: 'submit', class: 'primary', 'data-testid': 'signin-code-submit', text: 'Continue' });
    const form = el('form', { id: 'signin-code-form', class: 'card narrow', 'data-testid': 'signin-code-form', novalidate: true },
      el('h1', { tabindex: '-1', text: 'Confirm it is you' }),
      el('p', { text: 'Your password was right. Two-step verification is on for your account.' }),
      el('div', { class: 'field' }, label, code), el('p', {}, toggle), message, submit);
    show();
    passwordForm.replaceWith(form);
    code.focus();
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      message.textContent = '';
      submit.disabled = true;
      const result = await api('POST', '/api/v1/session/second-step', {
        body: { challenge: challenge.challenge, method, code: code.value }, authCall: true,
      });
      submit.disabled = false;
      if (result.ok) {
        await signedIn(result);
        return;
      }
      const type = str(result.problem && result.problem.type);
      if (type.endsWith(':challenge_expired')) {
        message.textContent = 'This sign-in has expired. Sign in again.';
        setTimeout(() => form.replaceWith(passwordForm), 1500);
        return;
      }
      message.textContent = type.endsWith(':wrong_code')
        ? `That code is not right.${Number.isInteger(result.problem.attempts_left) ? ` ${result.problem.attempts_left} attempts left.` : ''}`
        : result.status === 429 ? `Too many attempts. Try again in ${result.waitText || 'a while'}.` : problemText(result.problem);
      code.select();
      code.focus();
    });
  }

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
    // After a right answer (the password's, or the second step's).
    async function signedIn(result) {
      state.csrfFallback = str(result.data && result.data.csrf_token);
      password.value = '';
      await loadSession();
      if (state.session) {
        const to = state.returnTo && !state.returnTo.startsWith('#/signin') ? state.returnTo : `#/${DEFAULT_PAGE}`;
        state.returnTo = null;
        go(to);
        return true;
      }
      message.textContent = 'Signed in, but the browser did not keep the session cookie. Allow cookies for this site.';
      return false;
    }
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      message.textContent = '';
      submit.disabled = true;
      const result = await api('POST', '/api/v1/admin/session', {
        body: { email: email.value.trim(), password: password.value }, authCall: true,
      });
      if (result.status === 202 && result.data && result.data.second_step) {
        // The admin turned on two-step verification: the console asks too.
        password.value = '';
        submit.disabled = false;
        secondStep(form, result.data.second_step, signedIn);
        return;
      }
      if (result.ok) {
        if (await signedIn(result)) return;
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


  // A plugin's panel: its style sheets, then its ES module's render(root,
  // kit). The module is the plugin's own code, served by the daemon from
  // the plugin (docs/web.md); a panel that fails says so in its place.
  // Links to the plugin panels that show one member: a panel module that
  // exports `memberLink` (its text) is opened with ?member_id=&email=.
  function memberPanelLinks(member) {
    const list = el('ul', { class: 'member-panel-links', 'data-testid': 'member-panel-links' });
    // The core's own: what admins did to this member.
    list.append(el('li', {}, el('a', {
      href: `#/audit?${new URLSearchParams({ member_id: str(member.member_id) })}`,
      text: 'Admin actions on this member', 'data-testid': 'member-link-audit',
    })));
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
  // given: the one kit both shells give (kit.js, pageKit; docs/web.md, "The
  // kit"), with what only the console has.
  const kit = {
    ...pageKit({ api, go, params: () => state.params }),
    session: () => state.session,
    sessionEnded,
    refreshMenu: refreshNav,
    memberLinks: memberPanelLinks,
  };

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

  // ---- 5. Router ------------------------------------------------------------

  // nav: shown in the header; public: reachable without a session. Reviews
  // first: deciding what waits is what an admin comes for.
  const PAGES = [
    { path: 'reviews', title: 'Reviews', nav: true,
      render: (root, args) => reviewsPage(root, kit, args) },
    { path: 'members', title: 'Members', nav: true, render: (root, args) => membersPage(root, kit, args) },
    { path: 'plugins', title: 'Plugins', nav: true, render: (root) => pluginsPage(root, kit) },
    { path: 'cluster', title: 'Cluster', nav: true, render: (root) => clusterPage(root, kit) },
    { path: 'audit', title: 'Audit', nav: true, render: (root) => auditPage(root, kit) },
    { path: 'signin', title: 'Sign in', public: true, render: signinPage },
    { path: 'plugin', title: 'Plugin panel', render: pluginPanelPage },
  ];
  const DEFAULT_PAGE = 'reviews';

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
    // A page is drawn (not a redirect): a notice from before the last one goes.
    ageNotice();
    hideBanner();
    state.activePage = page;
    updateHeader(page);
    document.title = `${page.title} · memberd console`;
    // Each page draws into a container of its own: one still drawing when
    // another navigation comes draws into a detached node, never under the
    // next page.
    const main = $('#main');
    const view = el('div', { class: 'page-view' });
    main.replaceChildren(view);
    // Focus goes where the page asks as soon as it asks (a review item reads
    // its kind's view first), unless another navigation came since; a
    // page's bug stays visible (the browser tests fail on it).
    await drawAndFocus(main, view, () => page.render(view, parts.slice(1)), () => turn === state.navigation);
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
