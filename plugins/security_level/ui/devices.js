// Your Devices: every browser and device signed in to the account (GET
// /api/v1/me/sessions), with where it signed in from, when, and how; sign
// out one of them, or every one but this; and, where two_step is loaded,
// the browsers that skip its second step, each to forget. What came of it
// is shown at the top of the list and focused, then the list is drawn again.
import { deviceName } from './device.js';
import { ipLink, placeText } from './place.js';

const HOW = {
  password: 'Password',
  second_step: 'Password and two-step verification',
  passkey: 'Passkey',
};

export async function render(root, kit) {
  const { el, api } = kit;
  root.append(el('p', { class: 'hint', text:
    'These are the browsers and devices signed in to your account. If you do not recognise one, ' +
    'sign it out, then change your password.' }));
  const outcome = el('p', { class: 'form-message', tabindex: '-1', 'data-testid': 'devices-outcome' });
  const list = el('div', { class: 'device-list', 'data-testid': 'devices' });
  const others = el('div', { class: 'devices-others' });
  // Where "Sign out everywhere else" asks first: beside its button, which stays.
  const question = el('div');
  root.append(outcome, list, others, question);

  // Where two_step is loaded, the browsers it remembers (the password alone
  // signs in there) are devices too: listed under the sessions, each
  // forgettable here through two_step's own API, and its page linked.
  const twoStep = kit.entry('two_step', 'two-step');
  const remembered = el('div', { class: 'devices-remembered', 'data-testid': 'remembered-browsers' });
  if (twoStep) root.append(remembered);

  const say = (ok, text) => kit.showOutcome(outcome, ok, text);

  async function signOut(session, button) {
    const name = deviceName(session.user_agent);
    // Off while it works: a second press would meet the ended session.
    button.disabled = true;
    const ended = await api('DELETE', `/api/v1/me/sessions/${encodeURIComponent(session.id)}`);
    button.disabled = false;
    if (ended.status === 204) {
      await draw();
      say(true, `${name} is signed out. It will need your password to get back in.`);
    } else if (ended.status === 404) {
      await draw();
      say(true, `${name} was signed out already.`);
    } else if (ended.status !== 401) {
      say(false, kit.problemSentence(ended));
    }
  }

  async function signOutOthers(button) {
    const sure = await kit.confirmStep(question, {
      question: 'Sign out of every other browser and device? Each will need your password to get back in.',
      yes: 'Sign them out', testid: 'sign-out-others', returnFocus: button,
    });
    if (!sure) return;
    const ended = await api('DELETE', '/api/v1/me/sessions');
    if (ended.ok && ended.data) {
      await draw();
      const n = Number(ended.data.ended) || 0;
      say(true, n === 0 ? 'There were no other devices to sign out.'
        : `Signed out of ${n} other ${n === 1 ? 'device' : 'devices'}. Only this one is signed in now.`);
    } else if (ended.status !== 401) {
      say(false, kit.problemSentence(ended));
    }
  }

  function card(session) {
    const name = deviceName(session.user_agent);
    const time = (iso) => el('time', { datetime: iso, text: kit.dualTime(iso) });
    // No accessible name on the card, so it is no landmark: two sessions of
    // one browser would make two landmarks of one name. The heading names it.
    return el('section', { class: 'card device', 'data-testid': 'device', 'data-current': String(!!session.current) },
    el('h2', { title: session.user_agent || '' }, name,
      session.current ? el('span', { class: 'badge ok', 'data-testid': 'this-device', text: 'This device' }) : null),
    el('dl', { class: 'facts' },
      el('dt', { text: 'IP location' }), el('dd', { 'data-testid': 'device-place' }, placeText(session),
        session.anonymous_proxy ? el('span', { class: 'hint', text: ' (a VPN or proxy server hides where it really is)' })
          : null),
      el('dt', { text: 'IP address' }), el('dd', {}, ipLink(el, session)),
      el('dt', { text: 'Signed in' }), el('dd', {}, time(session.created_at)),
      el('dt', { text: 'Last active' }), el('dd', {}, session.current ? 'Now' : time(session.last_seen_at)),
      el('dt', { text: 'Signed in with' }), el('dd', { text: HOW[session.signed_in_with] || 'Password' })),
    session.current
      ? el('p', { class: 'hint', text: 'To sign out here, use Sign out at the top of the page.' })
      : el('button', { type: 'button', 'data-testid': 'sign-out-device',
        // Which one, for a screen reader's list of buttons: two of one browser differ by place and time.
        'aria-label': `Sign out ${name} (${placeText(session)}, signed in ${kit.dualTime(session.created_at)})`,
        text: 'Sign out', onclick: (event) => signOut(session, event.currentTarget) }));
  }

  async function forget(device, button) {
    const name = deviceName(device.user_agent);
    button.disabled = true;
    const forgotten = await api('DELETE', `/api/v1/me/two-step/remembered-devices/${encodeURIComponent(device.id)}`);
    button.disabled = false;
    if (forgotten.ok || forgotten.status === 404) {
      await draw();
      say(true, `${name} is forgotten. It will ask for your second step again.`);
    } else if (forgotten.status !== 401) {
      say(false, kit.problemSentence(forgotten));
    }
  }

  function rememberedItem(device) {
    const name = deviceName(device.user_agent);
    return el('li', { 'data-testid': 'remembered-browser' },
      el('strong', { title: device.user_agent || '', text: name }),
      el('span', { class: 'muted' }, ' · remembered ', kit.timeEl(device.created_at),
        ' · until ', kit.timeEl(device.expires_at)),
      el('div', {}, el('button', { type: 'button', 'data-testid': 'forget-remembered',
        // Its visible words first (WCAG 2.5.3), then which one it is.
        'aria-label': `Forget this browser: ${name}, remembered ${kit.dualTime(device.created_at)}`,
        text: 'Forget this browser', onclick: (event) => forget(device, event.currentTarget) })));
  }

  async function drawRemembered() {
    const link = el('a', { href: kit.hashOf(twoStep), text: twoStep.title || 'Two-step verification' });
    const state = await api('GET', '/api/v1/me/two-step');
    const devices = (state.ok && state.data && state.data.remembered_devices) || [];
    if (state.status === 401) return;  // the shell is taking the member to sign-in
    if (!state.ok) {
      // Only this part is missing: the sessions above stand.
      remembered.replaceChildren(el('p', { class: 'hint' },
        'The browsers that skip two-step verification could not be loaded here; see ', link, '.'));
      return;
    }
    if (!state.data.enabled && devices.length === 0) {
      // Nothing to skip: the member has no second step.
      remembered.replaceChildren(el('p', { class: 'hint', 'data-testid': 'two-step-off' },
        'Two-step verification is off. It asks for a code after your password; turn it on at ', link, '.'));
      return;
    }
    remembered.replaceChildren(
      el('h2', { text: 'Browsers that skip two-step verification' }),
      devices.length === 0
        ? el('p', { class: 'muted', 'data-testid': 'no-remembered-browsers', text:
          'No browser skips it: each asks for your second step after the password.' })
        : el('div', {},
          el('p', { class: 'hint', text: 'On these browsers your password alone signs you in. ' +
            'Forget one you no longer use or do not recognise.' }),
          el('ul', { class: 'remembered-list' }, ...devices.map(rememberedItem))),
      el('p', { class: 'hint' }, 'Two-step verification itself is set up on ', link, '.'));
  }

  async function draw() {
    // Side by side: the sessions do not wait for two_step.
    const [sessions] = await Promise.all([api('GET', '/api/v1/me/sessions'), twoStep ? drawRemembered() : null]);
    if (!sessions.ok || !sessions.data) {
      if (sessions.status === 401) return;
      list.replaceChildren(el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'devices-failed',
        text: 'Your devices could not be loaded. Reload the page; if it stays, try again later.' }));
      others.replaceChildren();
      return;
    }
    const items = sessions.data.items || [];
    list.replaceChildren(...items.map(card));
    const rest = items.filter((s) => !s.current).length;
    if (rest === 0) {
      others.replaceChildren(el('p', { class: 'muted', 'data-testid': 'no-other-devices',
        text: 'No other browser or device is signed in.' }));
    } else {
      const button = el('button', { type: 'button', class: 'primary', 'data-testid': 'sign-out-others',
        text: 'Sign out everywhere else' });
      button.addEventListener('click', () => signOutOthers(button));
      others.replaceChildren(button);
    }
  }

  await draw();
}
