// The console's Cluster page: every daemon serving from this database
// (GET /api/v1/admin/cluster), whether it is alive and whether it leads the
// cluster's background work, its version and each plugin's version and
// file, and a warning when the daemons alive serve a plugin from different
// files (a rolling upgrade half done). Read-only: what to do about a daemon
// is the operator's, on its host.

const str = (value) => (typeof value === 'string' ? value : '');

export function clusterPage(root, kit) {
  const { api, el, pageHeader, table, timeEl } = kit;
  const muted = (text) => el('span', { class: 'muted', text });
  const badge = (yes, yesText, noText) =>
    el('span', { class: `badge ${yes ? 'ok' : 'neutral'}`, text: yes ? yesText : noText });
  const warning = el('p', { class: 'notice info', 'data-testid': 'cluster-differ', hidden: true, role: 'status' });
  const body = el('div', { 'data-testid': 'cluster' }, muted('Loading…'));
  root.append(pageHeader('Cluster', el('button', { type: 'button', text: 'Refresh', onclick: () => load() })),
    warning, body);

  function plugins(list) {
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
      el('td', {}, plugins(daemon.plugins)));
  }

  async function load() {
    const result = await api('GET', '/api/v1/admin/cluster');
    if (!result.ok) return body.replaceChildren(muted('The daemons could not be listed.'));
    const daemons = Array.isArray(result.data?.daemons) ? result.data.daemons : [];
    const differ = Array.isArray(result.data?.plugins_differ) ? result.data.plugins_differ : [];
    warning.hidden = !differ.length;
    warning.textContent = differ.length
      ? `Daemons serve ${differ.join(', ')} from different files: reload the plugin on each daemon to finish the upgrade.`
      : '';
    body.replaceChildren(table(['Daemon', 'Host', 'Version', 'Alive', 'Leader', 'Started', 'Plugins'],
      daemons.map(row), { id: 'cluster-table' }, 'Daemons on this database'));
  }

  load();
}
