// Security Level: the member's level with what to do about it, whether the
// email address is confirmed (with a new link on request), the last
// sign-in and this one (time in GMT and local time, IP address with a WHOIS
// link, IP location, device), recent sign-ins and failed attempts, and the
// seed's answers to "What does GMT mean?" and "Why Anonymous Proxy?".
import { attemptText } from './attempt.js';
import { deviceName } from './device.js';
import { emailCard } from './email-state.js';
import { ipLink, placeText } from './place.js';

const LEVELS = {
  very_high: { text: 'Very high', note: 'Two-step verification protects your account even if your password is stolen.' },
  high: { text: 'High', note: 'Your account is well protected.' },
  medium: { text: 'Medium', note: 'One thing would make your account safer.' },
  low: { text: 'Low', note: 'Please look at the advice below.' },
};

export async function render(root, kit) {
  const { el, api } = kit;
  const security = await api('GET', '/api/v1/me/security');
  if (!security.ok || !security.data) {
    root.append(el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'security-failed',
      text: 'Your security information could not be loaded. Reload the page; if it stays, try again later.' }));
    return;
  }
  const data = security.data;
  // The member's own time zone (from their approved profile), else the browser's.
  const zone = data.time_zone || undefined;
  const changePassword = kit.entry('credentials', 'change-password');
  const changeLink = (text) => changePassword
    ? el('a', { href: kit.hashOf(changePassword), 'data-testid': 'not-me', text })
    : el('span', { text });

  root.append(el('p', { class: 'hint', text:
    'For security reasons we automatically record your last sign-in including the time, IP address and IP location. ' +
    'If the Last Sign-in information does not match your previous sign-in, please change your password immediately.' }));

  // The level and its checks.
  const level = LEVELS[data.level] || { text: String(data.level), note: '' };
  const advice = (data.checks || []).filter((c) => !c.ok);
  root.append(el('section', { class: 'card security-level', 'aria-labelledby': 'level-heading', 'data-testid': 'level' },
    el('h2', { id: 'level-heading' }, 'Security level: ',
      el('span', { class: `level level-${data.level}`, 'data-testid': 'level-value', text: level.text })),
    el('p', { text: level.note }),
    advice.length
      ? el('ul', { class: 'advice', 'data-testid': 'advice' }, advice.map((c) => {
        // The two-step suggestions lead to the page that does it, when loaded.
        const page = (c.id === 'two_step' || c.id === 'passkey') ? kit.entry('two_step', 'two-step') : null;
        return el('li', { 'data-check': c.id }, String(c.advice || ''),
          page ? [' ', el('a', { href: kit.hashOf(page), text: 'Set it up' })] : null);
      }))
      : null));

  // The address: confirmed, or how to confirm it.
  const email = await emailCard(kit);
  if (email) root.append(email);

  // Last sign-in and this one.
  const signInCard = (title, record, testid, missing) => el('section', {
    class: 'card sign-in', 'aria-label': title, 'data-testid': testid,
  }, el('h2', { text: title }), record ? facts(kit, record, zone) : el('p', { class: 'muted', text: missing }));
  root.append(el('div', { class: 'sign-in-cards' },
    signInCard('Last sign-in', data.last_sign_in, 'last-sign-in', 'This is your first sign-in.'),
    signInCard('This sign-in', data.current_sign_in, 'current-sign-in',
      'It is being recorded; reload the page in a moment to see it.')));
  root.append(el('p', { class: 'not-me' }, 'Does the last sign-in not look like yours? ',
    changeLink('Change your password now'), '.'));

  // Recent sign-ins and failed attempts, a page at a time.
  const more = el('button', { type: 'button', 'data-testid': 'more-sign-ins', text: 'Show earlier ones', hidden: true });
  const recent = kit.table(['Time', 'Result', 'IP address', 'IP location', 'Device'], [],
    { 'data-testid': 'sign-ins' }, 'Recent sign-ins and failed attempts');
  const rows = recent.querySelector('tbody');
  root.append(el('section', { 'aria-labelledby': 'recent-heading', class: 'recent' },
    el('h2', { id: 'recent-heading', text: 'Recent sign-ins and failed attempts' }), recent, more));
  let cursor = '';
  async function loadMore() {
    more.disabled = true;
    const page = await api('GET', `/api/v1/me/sign-ins?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    more.disabled = false;
    if (!page.ok || !page.data) return;
    for (const r of page.data.items || []) {
      rows.append(el('tr', { 'data-testid': 'sign-in-row', 'data-outcome': r.outcome, 'data-kind': r.kind || null },
        el('td', {}, el('time', { datetime: r.at, text: kit.dualTime(r.at, zone) })),
        el('td', { 'data-testid': 'sign-in-what', text: attemptText(r) }),
        el('td', {}, ipLink(el, r)),
        el('td', { text: placeText(r) }),
        el('td', { title: r.user_agent || '', text: deviceName(r.user_agent) })));
    }
    if (!rows.children.length) rows.append(el('tr', {}, el('td', { colspan: '5', class: 'muted', text: 'No sign-ins recorded yet.' })));
    cursor = page.data.next_cursor || '';
    more.hidden = !cursor;
  }
  more.addEventListener('click', loadMore);
  await loadMore();

  // The seed's explanations.
  root.append(el('section', { class: 'faq', 'aria-label': 'Questions' },
    el('details', {}, el('summary', { text: 'What does GMT mean?' }),
      el('p', { text: 'GMT is where all world time is taken from, e.g. Beijing Time is +8 hours GMT. ' +
        (zone ? `We show each time in GMT and in your time zone from your member profile (${zone}).`
          : 'We show each time in GMT and in the time zone your device is set to (set yours in your member profile).') })),
    el('details', {}, el('summary', { text: 'Why Anonymous Proxy?' }),
      el('p', { text: 'IP Location: Anonymous Proxy means the account owner used an anonymous proxy server to sign in ' +
        '(a VPN, a public proxy or Tor), which hides where the sign-in really came from. ' +
        'If that was not you, change your password immediately.' })),
    el('details', {}, el('summary', { text: 'How do I check an IP address?' }),
      el('p', { text: 'You can check the location of an IP address through a WHOIS search: each address above links to one.' }))));
}

function facts(kit, record, zone) {
  const { el } = kit;
  return el('dl', { class: 'facts' },
    el('dt', { text: 'Time' }), el('dd', {}, el('time', { datetime: record.at, 'data-testid': 'sign-in-time',
      text: kit.dualTime(record.at, zone) })),
    el('dt', { text: 'IP address' }), el('dd', {}, ipLink(el, record), ' ',
      el('a', { href: record.whois_url, target: '_blank', rel: 'noopener noreferrer', class: 'whois',
        text: 'WHOIS' })),
    el('dt', { text: 'IP location' }), el('dd', { 'data-testid': 'sign-in-location' }, placeText(record),
      record.anonymous_proxy ? el('span', { class: 'hint', text: ' — the sign-in came through an anonymous proxy server.' }) : null),
    el('dt', { text: 'Device' }), el('dd', { title: record.user_agent || '', text: deviceName(record.user_agent) }));
}
