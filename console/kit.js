// What both shells (the console at /console/, the member shell at
// /account/) and the plugins' pages share: DOM from text and the one way to
// call the API. Plain ES module; the daemon serves it to both shells.

// el('a', {href: '#/x', text: 'X', onclick: fn}, child, ...): text goes in
// as textContent, attributes with setAttribute (true -> present,
// false/null/undefined -> absent); never innerHTML.
import * as passkeys from './passkeys.js';

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key === 'class') node.className = value;
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

// Says an outcome to screen readers through the page's #announcer live region.
export function announce(text) {
  const region = document.querySelector('#announcer');
  if (!region) return;
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 50);
}

// Shows an outcome at the top of the page, and says it: the shell's #notice
// is a live region that stays on the page (GOV.UK's notification banner),
// so what a screen reader hears a sighted member also sees. It lasts
// through the navigation that usually follows ("You are signed out." on
// the sign-in page) and goes with the one after (ageNotice). `kind`: 'ok'
// (a success, green) or 'info' (a change the member did not ask for: the
// session ended).
export function notify(text, kind = 'ok') {
  const region = document.querySelector('#notice');
  if (!region) return announce(text);
  region.className = `notice ${kind}`;
  region.dataset.fresh = 'yes';
  region.replaceChildren(el('p', { 'data-testid': 'notice-text', text }));
}

// For the shells' route(): a notice shown before the last navigation goes;
// one shown just before this navigation stays for it.
export function ageNotice() {
  const region = document.querySelector('#notice');
  if (!region) return;
  if (region.dataset.fresh === 'yes') region.dataset.fresh = 'no';
  else region.replaceChildren();
}

// A cookie of memberd's by its plain name ('memberd_csrf'): over HTTPS the
// daemon sends its cookies as __Host-<name> (daemon/transport/cookie_prefixes.hpp),
// which a sibling site cannot plant; that one wins when both are there.
export function cookie(name) {
  return cookieNamed(`__Host-${name}`) || cookieNamed(name);
}

function cookieNamed(name) {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try { return decodeURIComponent(value); } catch { return value; }
    }
  }
  return '';
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// Retry-After (delay-seconds or an HTTP-date) as whole seconds from now; 0
// when absent, malformed or past.
export function retryAfterSeconds(value) {
  const text = String(value || '').trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? 0 : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

// How long to wait, in words: 45 -> "45 seconds", 900 -> "15 minutes",
// 5400 -> "2 hours" (rounded up: a member who comes back at the time said
// must find the lock gone); "" for 0. The one rule every page uses.
export function waitText(seconds) {
  if (!(seconds > 0)) return '';
  const count = (n, unit) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds < 60) return count(seconds, 'second');
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 90) return count(minutes, 'minute');
  return count(Math.ceil(minutes / 60), 'hour');
}

// A period as a member reads it: "24 hours", "2 days", "30 minutes" (a
// review window, a lifetime). Whole days only past one day; a day when
// `seconds` is not a positive number.
export function periodText(seconds) {
  const s = Number(seconds) > 0 ? Number(seconds) : 86400;
  const [size, unit] = s % 86400 === 0 && s > 86400 ? [86400, 'day'] : s >= 3600 ? [3600, 'hour'] : [60, 'minute'];
  const n = Math.max(1, Math.round(s / size));
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

// Never throws. Resolves to {ok, status, data, problem, headers,
// retryAfter, waitText}: `retryAfter` is the Retry-After in seconds (0 when
// none) and `waitText` the same in words (waitText()). The
// session cookie goes along, unsafe methods carry the CSRF token (the
// memberd_csrf cookie, else options.csrf), options.body is sent as JSON.
// A problem+json is in `problem`; anything else that failed becomes one
// without its body (a proxy's error page is never shown).
export async function request(method, path, options = {}) {
  const { body, csrf } = options;
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = UNSAFE.has(method) ? cookie('memberd_csrf') || csrf || '' : '';
  if (token) headers['X-CSRF-Token'] = token;
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return {
      ok: false, status: 0, data: null, headers: new Headers(), retryAfter: 0, waitText: '',
      problem: { title: 'The service could not be reached', detail: 'Check the connection, then try again.' },
    };
  }
  const type = response.headers.get('Content-Type') || '';
  let data = null;
  if (response.status !== 204 && /json/i.test(type)) {
    try { data = await response.json(); } catch { data = null; }
  } else if (options.blob && response.ok) {
    // A file to save (options.blob: "Download my data"): its bytes as a Blob.
    try { data = await response.blob(); } catch { data = null; }
  }
  let problem = null;
  if (/application\/problem\+json/i.test(type)) problem = data && typeof data === 'object' ? { ...data } : {};
  else if (!response.ok) problem = {};
  if (problem && !(typeof problem.title === 'string' && problem.title)) {
    problem.title = `Request failed (HTTP ${response.status})`;
  }
  const retryAfter = retryAfterSeconds(response.headers.get('Retry-After'));
  return {
    ok: response.ok, status: response.status, data, problem, headers: response.headers,
    retryAfter, waitText: waitText(retryAfter),
  };
}

// Shows what came of an action in `outcome` (a focusable paragraph near
// the control): `content` (text or nodes) styled as success or failure,
// a status or an alert to a screen reader, and focused, so that it is seen
// as well as announced (not when the page has moved on without it). For an
// action's outcome line; a form's field errors take the focus themselves.
export function showOutcome(outcome, ok, ...content) {
  outcome.className = `form-message ${ok ? 'ok' : 'error'}`;
  outcome.setAttribute('role', ok ? 'status' : 'alert');
  outcome.replaceChildren(...content);
  if (outcome.isConnected) outcome.focus();
}

// A button that runs `act` and shows what came of it right beside it:
// `act` resolves to {ok, text}. The outcome is focused, so a keyboard or
// screen-reader user lands on it, and stays on the page (seen, not only
// announced); the button is off while `act` runs. Returns [button, outcome]
// to place together. `testid` names both: `<testid>` and `<testid>-outcome`.
export function actionButton({ label, testid, act }) {
  const button = el('button', { type: 'button', class: 'primary', 'data-testid': testid, text: label });
  const outcome = el('p', { class: 'form-message', tabindex: '-1', 'data-testid': `${testid}-outcome` });
  button.addEventListener('click', async () => {
    button.disabled = true;
    outcome.textContent = '';
    const { ok, text } = await act();
    button.disabled = false;
    showOutcome(outcome, ok, text);
  });
  return [button, outcome];
}

// Asks before an action that reaches many people or takes something out of
// service (GOV.UK: a question that names what will happen, then the
// choice). The question appears in `place`, focused, with a button that
// does it (`yes`) and one that does not; it goes either way, and the focus
// goes back to `returnFocus` (else it would fall to the page's body with
// the box; after "yes" the caller may move it on to the outcome). Resolves
// to true or false. `testid` names the parts: <testid>-question,
// <testid>-yes, <testid>-no.
export function confirmStep(place, { question, yes, no = 'Cancel', testid = 'confirm', returnFocus }) {
  return new Promise((resolve) => {
    const text = el('p', { class: 'confirm-question', tabindex: '-1', 'data-testid': `${testid}-question`,
      text: question });
    const answer = (yesOrNo) => {
      box.remove();
      if (returnFocus) returnFocus.focus();
      resolve(yesOrNo);
    };
    const box = el('div', { class: 'confirm-step', role: 'group', 'aria-label': question },
      text,
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'primary', 'data-testid': `${testid}-yes`, text: yes,
          onclick: () => answer(true) }),
        el('button', { type: 'button', 'data-testid': `${testid}-no`, text: no, onclick: () => answer(false) })));
    place.replaceChildren(box);
    text.focus();
  });
}

const pad = (n) => String(n).padStart(2, '0');

// "2026-11-29 12:17 GMT · 20:17 Shanghai, GMT+8": the time in GMT, then in
// `timeZone` (an IANA name: the member's profile zone once there is one;
// the browser's by default), its day too when that differs. Just the GMT
// part when the zone is GMT itself. Text for an unreadable time is the
// input as it came.
export function dualTime(iso, timeZone) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const gmt = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} GMT`;
  let zone = timeZone;
  try {
    zone = zone || Intl.DateTimeFormat().resolvedOptions().timeZone;
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
      timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
      hourCycle: 'h23', timeZoneName: 'shortOffset',
    }).formatToParts(date).map((p) => [p.type, p.value]));
    const offset = parts.timeZoneName === 'GMT' ? 'GMT+0' : parts.timeZoneName;
    if (offset === 'GMT+0' && /^(UTC|Etc\/(UTC|GMT)|GMT)$/.test(zone)) return gmt;
    const sameDay = `${parts.year}-${parts.month}-${parts.day}` === gmt.slice(0, 10);
    const city = zone.split('/').pop().replace(/_/g, ' ');
    return `${gmt} · ${sameDay ? '' : `${parts.year}-${parts.month}-${parts.day} `}${parts.hour}:${parts.minute} ${city}, ${offset}`;
  } catch {
    return gmt;
  }
}

// How both shells draw a page and place focus: on the element the page
// marks [data-autofocus] as soon as it appears — a page that first waits
// (for the network, or for the member's step-up) still puts its first
// field in reach at once — else, once drawn, on the page's h1; never away
// from where the page or the member has put it inside `body` meanwhile.
// `render()` draws into `body`; `current()` says whether this navigation
// is still the latest. A render that throws still gets focus placed, then
// the error goes on.
export async function drawAndFocus(main, body, render, current) {
  const chosen = () => body.contains(document.activeElement);
  const place = () => {
    if (!current() || chosen()) return true;
    const target = body.querySelector('[data-autofocus]');
    if (!target) return false;
    target.focus();
    return true;
  };
  const watcher = new MutationObserver(() => { if (place()) watcher.disconnect(); });
  watcher.observe(body, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-autofocus'] });
  let failure = null;
  try { await render(); } catch (error) { failure = error; } finally { watcher.disconnect(); }
  if (current() && !chosen()) (body.querySelector('[data-autofocus]') || main.querySelector('h1') || main).focus();
  if (failure) throw failure;
}

// ---- Pieces of a page, the same in both shells ------------------------------

const muted = (text) => el('span', { class: 'muted', text });

// Each cell is given its column's heading (data-label), rows added later
// too: on a phone the rows become cards, each value under its heading
// (style.css, .stacks), instead of a table scrolled sideways.
function labelCells(body, headings) {
  for (const row of body.rows) {
    [...row.cells].forEach((cell, i) => {
      if (headings[i] && cell.colSpan === 1 && !cell.dataset.label) cell.dataset.label = headings[i];
    });
  }
}

// A table whose rows become stacked cards on a phone (labelCells); the
// wrapper takes focus so the keyboard can scroll a wide one on a larger
// screen (axe: scrollable-region-focusable). `label` names the region. Rows
// may be appended to its tbody later.
export function table(headings, rows, props = {}, label = 'Table') {
  const body = el('tbody', {}, rows);
  labelCells(body, headings);
  new MutationObserver(() => labelCells(body, headings)).observe(body, { childList: true });
  return el('div', { class: 'table-wrap stacks', tabindex: '0', role: 'region', 'aria-label': label },
    el('table', props,
      el('thead', {}, el('tr', {}, headings.map((h) => el('th', { scope: 'col', text: h })))),
      body));
}

// The page's h1 (focusable, where the router puts focus) and its actions.
export function pageHeader(title, ...actions) {
  return el('div', { class: 'page-header' },
    el('h1', { tabindex: '-1', text: title }), el('div', { class: 'actions' }, actions));
}

// An RFC 3339 time as <time>: GMT, then the browser's local time
// ("2026-11-29 12:17 GMT · 20:17 Shanghai, GMT+8"); a dash for none.
export function timeEl(iso) {
  if (!iso) return muted('—');
  return el('time', { datetime: iso, text: dualTime(iso) });
}

// A plugin's style sheets (a page's, a panel's, a review kind's), each added once.
export function loadStyles(hrefs) {
  for (const href of hrefs || []) {
    if (!document.querySelector(`link[data-plugin-style="${CSS.escape(href)}"]`)) {
      document.head.append(el('link', { rel: 'stylesheet', href, 'data-plugin-style': href }));
    }
  }
}

// A form's fields by name: each input gets its error paragraph (tied with
// aria-describedby) so a problem's `errors.<field>` shows next to it; focus
// goes to the first field in error. True when one was shown.
export function showFieldErrors(form, problem) {
  clearFieldErrors(form);
  const errors = problem && problem.errors && typeof problem.errors === 'object' ? problem.errors : {};
  let first = null;
  for (const [name, message] of Object.entries(errors)) {
    const input = form.elements.namedItem(name);
    const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    if (!input || !slot) continue;
    slot.textContent = String(message);
    input.setAttribute('aria-invalid', 'true');
    first = first || input;
  }
  if (first) first.focus();
  return first !== null;
}

export function clearFieldErrors(form) {
  for (const slot of form.querySelectorAll('[data-error-for]')) slot.textContent = '';
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

// One labelled input with its hint and error slot. Required fields are
// marked with a red star (and `required`, which screen readers announce).
export function field({ name, label, type = 'text', required = false, autocomplete, hint }) {
  const id = `field-${name}`;
  const described = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ');
  return el('div', { class: 'field' },
    el('label', { for: id, class: required ? 'required' : null, text: label }),
    hint ? el('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null,
    el('input', { id, name, type, required, autocomplete, 'aria-describedby': described }),
    el('p', { class: 'field-error', id: `${id}-error`, 'data-error-for': name, 'data-testid': `${name}-error` }));
}

// A problem as one sentence: "Title: detail", or a general one when it has neither.
export function problemText(problem) {
  const str = (value) => (typeof value === 'string' ? value : '');
  const title = str(problem && problem.title), detail = str(problem && problem.detail);
  return [title, detail].filter(Boolean).join(': ') || 'The request failed.';
}

// The sentence for a failed call (a request() result) that belongs to no
// one field: a lock or a limit (429) says how long to wait, in words (the
// result's waitText); anything else is the problem's own (problemText).
export function problemSentence(result) {
  if (result && result.status === 429) {
    const locked = /locked/.test(String(result.problem?.type || ''));
    const wait = result.waitText || 'a while';
    return locked
      ? `This account is locked for now after too many attempts. Try again in ${wait}.`
      : `Too many attempts from here. Try again in ${wait}.`;
  }
  return problemText(result && result.problem);
}

// A form's submit: the last errors cleared, the button off while `run`
// works, and the focus given back to the button when a failure said in
// `message` left it nowhere (disabled while it worked, it lost the focus).
export function onSubmit(form, message, submit, run) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    message.textContent = '';
    submit.disabled = true;
    try {
      await run();
    } finally {
      submit.disabled = false;
      if (message.textContent && submit.isConnected && !form.contains(document.activeElement)) submit.focus();
    }
  });
}

// "Newer" and "Older" buttons for a listing read a page at a time with
// the API's cursors (docs/http-api.md): `load(cursor)` draws a page and
// calls `shown(cursor, next)` with the page's own cursor and its
// next_cursor. Returns { element, shown, reset, page(cursor) }: place the
// element under the table; reset() when the filters change; page(cursor)
// is the 1-based number of the page a cursor opens. `testid` names the
// buttons <testid>-newer and <testid>-older.
export function cursorPager(load, testid) {
  const element = el('div', { class: 'actions pager' });
  let cursors = [''];  // the cursors of the pages seen, to go back
  const page = (cursor) => cursors.indexOf(cursor) + 1;
  return {
    element,
    page,
    reset() { cursors = ['']; },
    shown(cursor, next) {
      const at = page(cursor);
      const newer = el('button', { type: 'button', text: 'Newer', 'data-testid': `${testid}-newer`, disabled: at <= 1 });
      newer.addEventListener('click', () => load(cursors[at - 2]));
      const older = el('button', { type: 'button', text: 'Older', 'data-testid': `${testid}-older`, disabled: !next });
      older.addEventListener('click', () => {
        cursors = cursors.slice(0, at);
        cursors.push(next);
        load(next);
      });
      element.replaceChildren(newer, older);
    },
  };
}

// An admin's action on a member, which says why (the audit log keeps the
// reason): a button that opens what will happen, a required "Reason"
// field, the button that does it and Cancel. A missing reason is said next
// to the field; another refusal under it; what it did is shown beside the
// button, focused, once it is done. `act(reason)` calls the API and
// resolves to its result; `done(result)` says what happened (a sentence)
// and may redraw the page. `testid` names the parts: <testid> (the button),
// <testid>-form, <testid>-reason, <testid>-submit, <testid>-outcome.
function reasonedAction({ label, testid, explain, submitLabel = label, danger = false, act, done }) {
  const open = el('button', { type: 'button', class: danger ? 'danger' : 'primary', 'data-testid': testid,
    text: label, 'aria-expanded': 'false' });
  const outcome = el('p', { class: 'form-message', tabindex: '-1', 'data-testid': `${testid}-outcome` });
  const id = `${testid}-reason`;
  const reason = el('textarea', { id, name: 'reason', rows: '2', maxlength: '2000', required: true,
    'aria-describedby': `${id}-hint ${id}-error`, 'data-testid': id });
  const message = el('p', { class: 'form-message error', role: 'alert', tabindex: '-1' });
  const submit = el('button', { type: 'submit', class: danger ? 'danger' : 'primary',
    'data-testid': `${testid}-submit`, text: submitLabel });
  const cancel = el('button', { type: 'button', text: 'Cancel' });
  const form = el('form', { class: 'card narrow-form', novalidate: true, hidden: true, 'data-testid': `${testid}-form` },
    el('p', { text: explain }),
    el('div', { class: 'field' },
      el('label', { for: id, class: 'required', text: 'Reason' }),
      el('p', { class: 'hint', id: `${id}-hint`, text: 'Kept in the audit log with this action, for every admin to see.' }),
      reason,
      el('p', { class: 'field-error', id: `${id}-error`, 'data-error-for': 'reason' })),
    message, el('div', { class: 'actions' }, submit, cancel));
  const show = (shown) => {
    form.hidden = !shown;
    open.setAttribute('aria-expanded', String(shown));
  };
  open.addEventListener('click', () => {
    outcome.textContent = '';
    show(true);
    reason.focus();
  });
  cancel.addEventListener('click', () => {
    show(false);
    open.focus();
  });
  onSubmit(form, message, submit, async () => {
    if (!reason.value.trim()) {
      showFieldErrors(form, { errors: { reason: 'Enter the reason for this action. The audit log keeps it.' } });
      return;
    }
    const result = await act(reason.value);
    if (result.ok) {
      form.reset();
      show(false);
      showOutcome(outcome, true, await done(result));
      return;
    }
    if (result.status === 422 && showFieldErrors(form, result.problem)) return;
    message.textContent = problemSentence(result);
    message.focus();
  });
  return el('div', { class: 'reasoned-action', 'data-testid': `${testid}-action` }, open, outcome, form);
}

// The kit every page is given — the member shell's pages, the console's own
// pages, plugins' pages, panels and review views (docs/web.md, "The kit"):
// the same members in both shells. `api`, `go` and `params` are the shell's
// (its navigation, and what it does with a problem); the rest is this file.
// A shell adds what only it has (the member shell: session, signedIn ...).
export function pageKit({ api, go, params }) {
  return {
    api, go, params, el, announce, notify, confirmStep, dualTime, waitText, periodText, actionButton, showOutcome,
    reasonedAction,
    pageHeader, table, timeEl, loadStyles, field, showFieldErrors, clearFieldErrors, problemText, problemSentence, onSubmit,
    cursorPager,
    // supported(), create(publicKey), use(publicKey), failureText(error):
    // passkeys.js.
    passkeys,
  };
}
