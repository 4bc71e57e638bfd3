// The console's Cluster page: every daemon serving from this database
// (GET /api/v1/admin/cluster), whether it is alive and whether it leads the
// cluster's background work, its version and each plugin's version and
// file, and a warning when the daemons alive serve a plugin from different
// files (a rolling upgrade half done). Below, each plugin with a reload or
// unload for every daemon at once, and its progress (cluster_plugins.js).
// What to do about one daemon is the operator's, on its host.

import { clusterPlugins } from './cluster_plugins.js';

const str = (value) => (typeof value === 'string' ? value : '');

export function clusterPage(root, kit) {
  const { api, el, pageHeader, table, timeEl } = kit;
  const muted = (text) => el('span', { class: 'muted', text });
  const badge = (yes, yesText, noText) =>
    el('span', { class: `badge ${yes ? 'ok' : 'neutral'}`, text: yes ? yesText : noText });
  const warning = el('p', { class: 'notice info', 'data-testid': 'cluster-differ', hidden: true, role: 'status' });
  const body = el('div', { 'data-testid': 'cluster' }, muted('Loading…'));
  const plugins = clusterPlugins(kit, (name, testid) => load(name, testid));
  root.append(pageHeader('Cluster', el('button', { type: 'button', text: 'Refresh', onclick: () => load() })),
    warning, body, plugins.element);
  let again = null; // the next read while a request is under way

  function pluginList(list) {
    if (!Array.isArray(list) || !list.length) return muted('none');
    return el('ul', { class: 'plain' }, ...list.map((p) => el('li', {},
      el('span', { class: 'name', text: str(p.name) }), ' ',
      p.state === 'loaded' ? el('span', { class: 'mono', text: `${str(p.version)} ${str(p.sha256)}` })
        : muted(str(p.state)))));
  }

  function row(daemon) {
    return el('tr', { 'data-testid': 'cluster-row', 'data-daemon': String(daemon.daemon_id) },
      el('th', { scope: 'row' }, `#${daemon.daemon_id}`, daemon.this_daemon ? muted(' (this one)') : ''),
      el('td', { class: 'break', text: `${str(daemon.host)} · pid ${daemon.pid}` }),
      el('td', { text: str(daemon.version) }),
      el('td', { 'data-testid': 'cluster-alive' }, badge(daemon.alive, 'alive', daemon.stopped_at ? 'stopped' : 'gone')),
      el('td', { 'data-testid': 'cluster-leader' }, daemon.leader ? badge(true, 'leader', '') : muted('—')),
      el('td', {}, timeEl(daemon.started_at)),
      el('td', {}, pluginList(daemon.plugins)));
  }

  // `polling`: a read while a request is under way. One that fails (the
  // database a moment away) says nothing, keeps what is shown and tries
  // again a little later; a session that ended stops it (sign-in shows).
  async function load(focusName, focusTestid, polling = false, failures = 0) {
    clearTimeout(again);
    const result = await api('GET', '/api/v1/admin/cluster', polling ? { quiet: true } : {});
    if (!root.isConnected) return;
    if (!result.ok) {
      if (polling && result.status !== 401) {
        again = setTimeout(() => { if (root.isConnected) load(undefined, undefined, true, failures + 1); },
          Math.min(10000, 2000 * (failures + 1)));
        return;
      }
      return body.replaceChildren(muted('The daemons could not be listed.'));
    }
    const daemons = Array.isArray(result.data?.daemons) ? result.data.daemons : [];
    const differ = Array.isArray(result.data?.plugins_differ) ? result.data.plugins_differ : [];
    warning.hidden = !differ.length;
    warning.textContent = differ.length
      ? `Daemons serve ${differ.join(', ')} from different files: reload the plugin on each daemon to finish the upgrade.`
      : '';
    body.replaceChildren(table(['Daemon', 'Host', 'Version', 'Alive', 'Leader', 'Started', 'Plugins'],
      daemons.map(row), { id: 'cluster-table' }, 'Daemons on this database'));
    const underWay = await plugins.show(result.data, focusName, focusTestid);
    // Every second while the daemons apply a request, and only while this
    // page is shown.
    if (underWay && root.isConnected) again = setTimeout(() => { if (root.isConnected) load(undefined, undefined, true); }, 1000);
  }

  load();
}
