// The console's Plugins page: every enabled plugin, its state, version and
// last error, with Reload (a hot swap) and Unload. A page like any plugin's
// panel: it is given the kit (console/kit.js, pageKit) and the console's
// refreshMenu(), so a loaded plugin's panels join the menu at once.

const PLUGIN_STATES = { ok: ['loaded', 'running', 'active', 'serving'], bad: ['failed', 'error', 'broken'] };
const str = (value) => (typeof value === 'string' ? value : '');

function stateBadge(el, value) {
  const text = str(value) || 'unknown';
  const kind = PLUGIN_STATES.ok.includes(text) ? 'ok' : PLUGIN_STATES.bad.includes(text) ? 'bad' : 'neutral';
  return el('span', { class: `badge ${kind}`, 'data-testid': 'plugin-state', text });
}

export function pluginsPage(root, kit) {
  const { api, el, announce, confirmStep, pageHeader, table, timeEl, problemText, refreshMenu } = kit;
  const muted = (text) => el('span', { class: 'muted', text });
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
      el('td', {}, stateBadge(el, plugin.state)),
      el('td', { text: plugin.api_version ?? '' }),
      el('td', { class: 'mono break', text: plugin.file ?? '' }),
      el('td', {}, timeEl(plugin.loaded_at)),
      el('td', { class: 'error-text', 'data-testid': 'plugin-last-error', text: plugin.last_error || '' }),
      el('td', { class: 'actions-cell' }, button, ' ', unload, result));
  }

  // A reload or an unload: the button waits; the menu is read again (a
  // loaded plugin's panels join it, an unloaded one's leave); the outcome
  // shows beside the button and is said to screen readers; then the row is
  // read again.
  async function pluginAction(name, action, button, result, { busy, done, failed }) {
    button.disabled = true;
    result.className = 'outcome';
    result.textContent = busy;
    const answer = await api('POST', `/api/v1/admin/plugins/${encodeURIComponent(name)}/${action}`);
    const outcome = answer.ok
      ? { ok: true, text: done(answer.data) }
      : { ok: false, text: `${failed} ${answer.problem ? problemText(answer.problem) : ''}`.trim() };
    outcomes.set(name, outcome);
    // The menu first: once the outcome shows, the plugin's panels are in it
    // (or gone), and a click on one is not lost to the menu being redrawn.
    await refreshMenu();
    announce(`${name}: ${outcome.text}`);
    button.disabled = false;
    result.className = `outcome ${outcome.ok ? 'ok' : 'error'}`;
    result.textContent = outcome.text;
    await load(name); // the new version, state and last_error
  }

  const reload = (name, button, result) => pluginAction(name, 'reload', button, result, {
    busy: 'Reloading…',
    done: (data) => (typeof data?.swap_ms === 'number' ? `Reloaded in ${data.swap_ms.toFixed(1)} ms` : 'Reloaded'),
    failed: 'Reload failed; the running version keeps serving.',
  });
  // Its routes, pages and panels go at once; a reload brings it back. Asked
  // first: members lose its pages in the middle of what they are doing.
  async function takeOut(name, button, result) {
    const sure = await confirmStep(result, {
      question: `Unload ${name}? Its pages, panels and API go out of service for everyone until it is loaded again.`,
      yes: `Yes, unload ${name}`, testid: 'unload-confirm', returnFocus: button,
    });
    if (!sure) return;
    await pluginAction(name, 'unload', button, result, {
      busy: 'Unloading…', done: () => 'Unloaded; Load brings it back', failed: 'Unload failed.',
    });
  }

  load();
}
