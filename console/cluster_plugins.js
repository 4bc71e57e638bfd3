// The Cluster page's plugin section: each plugin the daemons alive serve,
// where it is loaded, the newest reload or unload asked of the whole
// cluster with how far the daemons got (GET /api/v1/admin/cluster,
// `requests`), and buttons that ask one
// (POST /api/v1/admin/cluster/plugins/{name}/reload or /unload). The page
// reads the cluster again every second while a request is under way
// (cluster.js); when one this admin asked settles, its outcome is said
// and the menu is read again (this daemon's plugin may have left or come back).

const str = (value) => (typeof value === 'string' ? value : '');
const count = (value) => (Number.isInteger(value) && value >= 0 ? value : 0);
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

// "Reloaded on 3 of 3 daemons", "Unloading: 1 of 3 daemons so far", "Reload
// failed on 1 of 3 daemons".
export function progressText(request) {
  const d = request?.daemons ?? {};
  const done = count(d.done), failed = count(d.failed), waiting = count(d.waiting);
  const total = done + failed + waiting;
  const reload = request?.action === 'reload';
  if (request?.state === 'converging')
    return `${reload ? 'Reloading' : 'Unloading'}: ${done} of ${plural(total, 'daemon', 'daemons')} so far`;
  if (request?.state === 'failed') return `${reload ? 'Reload' : 'Unload'} failed on ${failed} of ${plural(total, 'daemon', 'daemons')}`;
  return `${reload ? 'Reloaded' : 'Unloaded'} on ${done} of ${plural(total, 'daemon', 'daemons')}`;
}

export function clusterPlugins(kit, reload) {
  const { api, el, announce, confirmStep, table, timeEl, problemText, refreshMenu } = kit;
  const muted = (text) => el('span', { class: 'muted', text });
  const outcomes = new Map(); // plugin -> {ok, text} of what was asked here
  const asked = new Map(); // plugin -> request_id asked here and not yet settled
  const holder = el('div', { 'data-testid': 'cluster-plugins' });
  const element = el('section', { class: 'page-section', 'aria-labelledby': 'cluster-plugins-heading' },
    el('h2', { id: 'cluster-plugins-heading', text: 'Plugins on every daemon' }),
    el('p', { class: 'hint', text: 'Reload or unload a plugin on all daemons at once, each from its own plugins '
      + 'directory. A daemon started later follows what was asked last.' }),
    holder);

  // Where each plugin is loaded among the daemons alive: "loaded on 3 of 3 daemons".
  function servedText(name, daemons) {
    const states = new Map();
    let total = 0;
    for (const daemon of daemons) {
      if (!daemon.alive || !Array.isArray(daemon.plugins)) continue;
      const plugin = daemon.plugins.find((p) => p?.name === name);
      if (!plugin) continue;
      total += 1;
      states.set(str(plugin.state), (states.get(str(plugin.state)) ?? 0) + 1);
    }
    return [...states].map(([state, n]) => `${state} on ${n} of ${plural(total, 'daemon', 'daemons')}`).join(', ');
  }

  function requestCell(request) {
    if (!request) return el('td', { 'data-testid': 'cluster-request' }, muted('Nothing asked yet'));
    const kind = request.state === 'done' ? 'ok' : request.state === 'failed' ? 'error' : '';
    const failures = Array.isArray(request.failures) ? request.failures : [];
    return el('td', { 'data-testid': 'cluster-request', 'data-state': str(request.state) },
      el('div', { class: `outcome ${kind}`, text: progressText(request) }),
      failures.length ? el('ul', { class: 'plain', 'data-testid': 'cluster-request-failures' },
        ...failures.map((f) => el('li', { class: 'error-text break',
          text: `Daemon #${f.daemon_id} (${str(f.host)}): ${str(f.error)}` }))) : '',
      el('div', { class: 'hint' }, `Asked by ${request.requested_by === 'operator' ? 'an operator' : 'an admin'}, `,
        timeEl(request.requested_at)));
  }

  function row(name, daemons, request) {
    const outcome = outcomes.get(name);
    const result = el('span', { class: `outcome ${outcome ? (outcome.ok ? 'ok' : 'error') : ''}`,
      'data-testid': 'cluster-plugin-outcome', text: outcome ? outcome.text : '' });
    const reloadButton = el('button', { type: 'button', 'data-testid': 'cluster-plugin-reload',
      'aria-label': `Reload everywhere: ${name}`, text: 'Reload everywhere' });
    const unloadButton = el('button', { type: 'button', class: 'danger', 'data-testid': 'cluster-plugin-unload',
      'aria-label': `Unload everywhere: ${name}`, text: 'Unload everywhere' });
    reloadButton.addEventListener('click', () => ask(name, 'reload', reloadButton, result));
    unloadButton.addEventListener('click', async () => {
      const sure = await confirmStep(result, {
        question: `Unload ${name} on every daemon? Its pages, panels and API go out of service for everyone, `
          + 'on daemons started later too, until it is reloaded everywhere.',
        yes: `Yes, unload ${name} everywhere`, testid: 'cluster-unload-confirm', returnFocus: unloadButton,
      });
      if (sure) await ask(name, 'unload', unloadButton, result);
    });
    return el('tr', { 'data-testid': 'cluster-plugin-row', 'data-plugin': name },
      el('th', { scope: 'row' }, el('span', { class: 'name', text: name })),
      el('td', { 'data-testid': 'cluster-plugin-served', text: servedText(name, daemons) || '—' }),
      requestCell(request),
      el('td', { class: 'actions-cell' }, reloadButton, ' ', unloadButton, result));
  }

  async function ask(name, action, button, result) {
    button.disabled = true;
    result.className = 'outcome';
    result.textContent = 'Asking…';
    const answer = await api('POST', `/api/v1/admin/cluster/plugins/${encodeURIComponent(name)}/${action}`);
    // The session ended (the console shows sign-in), or the page was left.
    if (answer.status === 401 || !holder.isConnected) return;
    const outcome = answer.ok
      ? { ok: true, text: 'Asked: every daemon applies it now.' }
      : { ok: false, text: `Could not ask the daemons. ${answer.problem ? problemText(answer.problem) : ''}`.trim() };
    outcomes.set(name, outcome);
    if (answer.ok) asked.set(name, answer.data?.request_id);
    announce(`${name}: ${outcome.text}`);
    await reload(name, button.dataset.testid);
    // The cluster could not be read again, so the row was not redrawn:
    // this button and its outcome serve on.
    if (button.isConnected) {
      button.disabled = false;
      result.className = `outcome ${outcome.ok ? 'ok' : 'error'}`;
      result.textContent = outcome.text;
      button.focus();
    }
  }

  // Redraws the section from the cluster's answer; the focus goes back to
  // the button `focusTestid` of plugin `focusName` (the row was redrawn).
  async function show(data, focusName, focusTestid) {
    const daemons = Array.isArray(data?.daemons) ? data.daemons : [];
    const requests = new Map((Array.isArray(data?.requests) ? data.requests : []).map((r) => [str(r.plugin), r]));
    const names = new Set(requests.keys());
    for (const daemon of daemons)
      if (daemon.alive && Array.isArray(daemon.plugins)) daemon.plugins.forEach((p) => names.add(str(p?.name)));
    names.delete('');
    // A request asked here that settled: its outcome replaces "Asked", said once.
    let settled = false;
    for (const [name, id] of asked) {
      const request = requests.get(name);
      if (!request || (request.request_id === id && request.state === 'converging')) continue;
      asked.delete(name);
      // Another admin asked again meanwhile: theirs is the one that counts.
      const text = request.request_id === id ? `${progressText(request)}.`
        : 'Replaced by a newer request: see "Asked of the cluster".';
      outcomes.set(name, { ok: request.request_id === id && request.state === 'done', text });
      announce(`${name}: ${text}`);
      settled = true;
    }
    if (settled) await refreshMenu();
    const underWay = [...requests.values()].some((r) => r.state === 'converging');
    // An open "are you sure?" is not redrawn away; the next read redraws.
    if (holder.querySelector('.confirm-step')) return true;
    // A redraw keeps the focus where it was (a keyboard user on a button).
    const active = document.activeElement;
    if (!focusName && active && holder.contains(active)) {
      focusName = active.closest('[data-testid="cluster-plugin-row"]')?.dataset.plugin;
      focusTestid = active.dataset?.testid;
    }
    const sorted = [...names].sort();
    holder.replaceChildren(sorted.length
      ? table(['Plugin', 'Loaded', 'Asked of the cluster', 'Actions'],
        sorted.map((name) => row(name, daemons, requests.get(name))), { id: 'cluster-plugins-table' },
        'Plugins on every daemon')
      : muted('No plugins are enabled.'));
    if (focusName) {
      const match = [...holder.querySelectorAll('[data-testid="cluster-plugin-row"]')]
        .find((tr) => tr.dataset.plugin === focusName);
      match?.querySelector(`[data-testid="${focusTestid}"]`)?.focus();
    }
    return underWay;
  }

  return { element, show };
}
