// The member shell at /account/: plain ES module, no framework, no build
// step; the daemon serves it from memory.
//
// It owns no page of its own. GET /api/v1/ui lists the pages of the loaded
// plugins (docs/web.md); the shell builds the "Account Settings" menu from
// the member pages, routes "#/<plugin>/<id>" to a page's ES module and calls
// its render(root, kit). Sign-in, join and the landing pages of emailed
// links are pages too (access "anyone", id "sign-in" for the one the shell
// sends visitors to), so whichever plugin signs members in brings them.

import { ageNotice, drawAndFocus, dualTime, el, loadStyles, notify, pageKit, request } from './kit.js';

const $ = (selector) => document.querySelector(selector);

// entriesFresh: the list was read for this navigation already (at start).
// entriesRead: how many reads of the list were asked for; only the last
// one's answer is kept.
const state = { session: null, entries: [], entriesFresh: false, entriesRead: 0, returnTo: '', navigation: 0 };
// The shared request() (kit.js): cookie, CSRF header, problem+json; each
// page says what went wrong where it belongs. The shell acts on one answer
// itself: a 401 to a signed-in member means the session has ended (idle,
// signed out elsewhere, revoked by an admin). The same call as the
// console's kit: api(method, path, {body, blob}).
async function api(method, path, options = {}) {
  const result = await request(method, path, { body: options.body, blob: options.blob });
  if (result.status === 401 && state.session) sessionEnded();
  return result;
}

// As the console does: the sign-in page says why the member is there, and
// signing in goes back to the page they were on.
function sessionEnded() {
  state.session = null;
  $('#closing').hidden = true;
  state.returnTo = location.hash;
  state.navigation++;  // a page still drawing is overtaken
  renderChrome(null);
  notify('Your session has ended. Sign in again.', 'info');
  const signIn = signInEntry();
  go(signIn ? hashOf(signIn) : '#/');
}

function showBanner(problem) {
  // replaceChildren() writes a null as the text "null": only what is there.
  $('#banner-text').replaceChildren(...[el('strong', { text: problem.title }),
    problem.detail ? el('div', { text: problem.detail }) : null].filter(Boolean));
  $('#banner').hidden = false;
}

// The session as the daemon has it now. Only an answer changes it: a 401
// (api() has ended it) or a 200; a network error or a 503 leaves the
// member signed in, rather than sending them to sign in for nothing.
// `quietly`: a 401 only clears the session (a page that has just ended
// this session on purpose says so itself), rather than going to sign-in.
async function loadSession({ quietly = false } = {}) {
  const result = quietly ? await request('GET', '/api/v1/session') : await api('GET', '/api/v1/session');
  if (result.ok) state.session = result.data && result.data.member_id ? result.data : null;
  else if (result.status === 401) state.session = null;
}

// Two navigations close together read the list twice, and the answers may
// come back in either order: an older answer never replaces a newer one.
async function loadEntries() {
  const read = ++state.entriesRead;
  const result = await api('GET', '/api/v1/ui');
  if (read !== state.entriesRead) return;
  state.entries = result.ok && result.data && Array.isArray(result.data.account) ? result.data.account : [];
}

// "#/<plugin>/<id>?<query>": the page, and the parameters an emailed
// link carries (a token stays in the fragment, which is never sent to a
// server or in a Referer).
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const [plugin, id] = (q < 0 ? raw : raw.slice(0, q)).split('/').map((part) => {
    try { return decodeURIComponent(part); } catch { return part; }
  });
  return { plugin, id, params: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

const hashOf = (entry) => `#/${encodeURIComponent(entry.plugin)}/${encodeURIComponent(entry.id)}`;
const menuEntries = () => state.entries.filter((entry) => entry.menu);
const signInEntry = () => state.entries.find((entry) => entry.id === 'sign-in' && entry.access === 'anyone');

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// What the pages get: the shell's calls, so that every page looks and
// behaves alike.
// The one kit both shells give (kit.js, pageKit; docs/web.md, "The kit"),
// with what only the member shell has.
const kit = {
  ...pageKit({ api, go, params: () => parseHash().params }),
  session: () => state.session,
  // After a call that changed the session (a step-up's privileged_until,
  // a confirmed new address): read it again, so the next gated page does
  // not ask once more and the header names the address as it is now.
  // { quietly: true }: when the session may have ended meanwhile, the page
  // stays (loadSession).
  async refreshSession(options) {
    await loadSession(options);
    // Ended meanwhile (the page closed the account): no member menu either.
    if (!state.session) renderChrome(null);
    else renderUser();
  },
  // After a page kept or closed the account: the shell's banner agrees.
  closureChanged: () => showClosing(),
  // After a sign-in: back where the member was going, else the first page;
  // an account set to close says so first, with the way to keep it.
  async signedIn() {
    await loadSession();
    await Promise.all([loadEntries(), showClosing()]);
    const back = state.returnTo;
    state.returnTo = '';
    const first = menuEntries()[0];
    go(back || (first ? hashOf(first) : '#/'));
  },
  hashOf,
  entry: (plugin, id) => state.entries.find((e) => e.plugin === plugin && e.id === id),
  // Takes the parameters out of the address bar and history once read.
  forgetParams() {
    const { plugin, id } = parseHash();
    history.replaceState(null, '', `#/${encodeURIComponent(plugin)}/${encodeURIComponent(id)}`);
  },
};

// The account is set to close (GET /api/v1/me/closure): when, and a button
// that keeps it. Asked after each sign-in (the closure signed every session
// out, so signing in is how an owner comes back to it).
async function showClosing() {
  if (!state.session) {
    $('#closing').hidden = true;
    return;
  }
  const result = await api('GET', '/api/v1/me/closure');
  const closesAt = result.ok ? result.data?.closes_at : null;
  $('#closing').hidden = !closesAt;
  if (!closesAt) return;
  $('#closing-text').textContent = `Your account is set to close on ${dualTime(String(closesAt))}: after that, ` +
    'everything we keep about you is erased. Changed your mind?';
  $('#closing-keep').disabled = false;
}

async function keepAccount() {
  $('#closing-keep').disabled = true;
  const result = await api('DELETE', '/api/v1/me/closure');
  $('#closing-keep').disabled = false;
  if (!result.ok && result.status !== 404) return showBanner(result.problem);
  $('#closing').hidden = true;
  notify('Your account stays open. We sent you an email to confirm.');
  $('#notice').setAttribute('tabindex', '-1');
  $('#notice').focus();
}

// The phone's folded menu: opened and closed by its button, closed again
// by every navigation.
function foldMenu(open) {
  $('#menu').classList.toggle('open', open);
  $('#menu-toggle').setAttribute('aria-expanded', String(open));
}

// The header's "who is signed in".
function renderUser() {
  const session = state.session;
  $('#user').hidden = !session;
  $('#user-email').textContent = session ? String(session.email || '') : '';
}

function renderChrome(current) {
  const session = state.session;
  renderUser();
  const items = session ? menuEntries() : [];
  $('#menu').hidden = items.length === 0;
  foldMenu(false);
  $('#menu-list').replaceChildren(...items.map((entry) =>
    el('li', {}, el('a', {
      href: hashOf(entry), text: entry.title, 'data-testid': `menu-${entry.plugin}-${entry.id}`,
      'aria-current': current === entry ? 'page' : null,
    }))));
}

async function route() {
  const turn = ++state.navigation;
  // Read on every navigation that draws a page (a swapped plugin's page is
  // a new module URL); a list read for it already (at start) serves, and
  // so does it for the redirects that come before the page.
  if (!state.entriesFresh) await loadEntries();
  // Only the navigation that goes on marks the list read: an overtaken one
  // whose answer came last would otherwise leave the next navigation
  // trusting a list read before a plugin was swapped (the menu kept an
  // unloaded plugin's page).
  if (turn !== state.navigation) return;
  state.entriesFresh = true;
  const { plugin, id } = parseHash();
  const entry = state.entries.find((e) => e.plugin === plugin && e.id === id);
  if (!entry && plugin && state.session) {
    // The list leaves out member pages once the session has ended: asking
    // for the session finds out (its 401 ends it, in api()).
    await loadSession();
    if (turn !== state.navigation) return;
  }
  const home = state.session ? menuEntries()[0] : signInEntry();
  if (!entry) {
    // No page named: the home page.
    if (!plugin && home) return go(hashOf(home));
    // A visitor is not shown the member pages: the one named may well
    // exist, so sign in first and come back to it.
    const signIn = signInEntry();
    if (!state.session && signIn) {
      state.returnTo = location.hash;
      return go(hashOf(signIn));
    }
    // A page that is not (or no longer) loaded: say so rather than guess.
    return renderMissing();
  }
  if (entry === signInEntry() && state.session && home) return go(hashOf(home));
  if (entry.access !== 'anyone' && !state.session) {
    state.returnTo = location.hash;
    const signIn = signInEntry();
    return signIn ? go(hashOf(signIn)) : renderMissing();
  }
  // A page is drawn (not a redirect): a notice from before the last one
  // goes, and the next navigation reads the page list again.
  ageNotice();
  state.entriesFresh = false;
  $('#banner').hidden = true;
  renderChrome(entry);
  document.title = `${entry.title} · Account Settings`;
  const main = $('#main');
  main.removeAttribute('aria-busy');
  const body = el('div', { class: 'page', 'data-testid': 'page', 'data-page': `${entry.plugin}/${entry.id}` });
  main.replaceChildren(el('h1', { tabindex: '-1', text: entry.title }), body);
  loadStyles(entry.styles);
  preloadImports(entry.imports);
  await drawAndFocus(main, body, async () => {
    try {
      const module = await import(entry.module);
      if (turn === state.navigation) await module.render(body, kit);
    } catch {
      body.replaceChildren(el('p', {
        class: 'form-message error', role: 'alert', 'data-testid': 'page-failed',
        text: 'This page could not be shown. Reload the page; if it stays, try again later.',
      }));
    }
  }, () => turn === state.navigation);
}

function renderMissing() {
  ageNotice();
  state.entriesFresh = false;
  $('#main').removeAttribute('aria-busy');
  renderChrome(null);
  document.title = 'Page not found · Account Settings';
  $('#main').replaceChildren(el('h1', { tabindex: '-1', text: 'This page is not available' }),
    el('p', { 'data-testid': 'page-missing', text: 'It may have moved. Choose a page from the menu.' }));
  $('#main h1').focus();
}

async function signOut() {
  const result = await api('DELETE', '/api/v1/session');
  if (!result.ok && result.status !== 401) return showBanner(result.problem);
  state.session = null;
  state.returnTo = '';  // signing in again starts afresh, even when the session had already ended
  $('#closing').hidden = true;
  renderChrome(null);
  notify('You are signed out.');
  const signIn = signInEntry();
  go(signIn ? hashOf(signIn) : '#/');
}

// What the daemon wrote into the page (shell_routes.cpp): the session and
// the page list as they were when it answered, so the first screen needs
// no round trip for them. Null when absent or unreadable: then they are asked for.
function bootData() {
  try {
    const boot = JSON.parse(document.getElementById('boot')?.textContent || 'null');
    return boot && boot.ui && Array.isArray(boot.ui.account) ? boot : null;
  } catch {
    return null;
  }
}

// A page module's own imports asked for beside it (one round trip, not one
// per level of imports).
function preloadImports(urls) {
  for (const url of urls || []) {
    if (document.querySelector(`link[rel=modulepreload][href="${CSS.escape(url)}"]`)) continue;
    document.head.append(el('link', { rel: 'modulepreload', href: url }));
  }
}

async function start() {
  $('#banner-dismiss').addEventListener('click', () => { $('#banner').hidden = true; });
  $('#signout').addEventListener('click', signOut);
  $('#closing-keep').addEventListener('click', keepAccount);
  $('#menu-toggle').addEventListener('click', () => foldMenu(!$('#menu').classList.contains('open')));
  $('#skip-link').addEventListener('click', (event) => { event.preventDefault(); $('#main').focus(); });
  window.addEventListener('hashchange', route);
  const boot = bootData();
  if (boot) {
    state.session = boot.session && boot.session.member_id ? boot.session : null;
    state.entries = boot.ui.account;
  } else {
    // The session and the page list at once: one round trip, not two.
    await Promise.all([loadSession(), loadEntries()]);
  }
  state.entriesFresh = true;
  // Beside the first page, not before it: an account set to close says so.
  if (state.session) showClosing();
  await route();
}

start();
