// The change of email address waiting for its link (GET
// /api/v1/me/email/change), on the Change Email Address page: the new
// address, when the link went and until when it works, "Send the link
// again" and "Cancel this change". What came of a button is written below
// them and focused. Resolves to { card, redraw, say }: the card to place,
// how to draw it again after the page asked for a change, and how to say
// what came of that in the card.
export async function pendingChange(kit) {
  const { el, api } = kit;
  const body = el('div');
  const outcome = el('p', { class: 'form-message', tabindex: '-1', 'data-testid': 'email-pending-outcome' });
  // Named by its heading while it has one (a cancelled change leaves only the outcome).
  const card = el('section', { class: 'card', 'data-testid': 'email-pending-card', hidden: true }, body, outcome);

  const say = (ok, text) => {
    card.hidden = false;  // before the focus: a hidden outcome takes none
    kit.showOutcome(outcome, ok, text);
  };

  // Both buttons are off while either works: a cancel must not overtake a resend.
  async function act(run) {
    const buttons = [...body.querySelectorAll('button')];
    for (const b of buttons) b.disabled = true;
    try {
      await run();
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  }

  async function resend(address) {
    await act(async () => {
      const sent = await api('POST', '/api/v1/me/email/change/resend');
      if (sent.ok) {
        await redraw();
        say(true, `We sent a new link to ${address}. The link we sent before no longer works.`);
      } else if (sent.status === 404) {
        await gone();
      } else if (sent.status !== 401) {
        say(false, kit.problemSentence(sent));
      }
    });
  }

  async function cancel() {
    await act(async () => {
      const cancelled = await api('DELETE', '/api/v1/me/email/change');
      if (cancelled.status === 204) {
        await redraw();
        say(true, `The change is cancelled: your email address stays ${kit.session()?.email || 'as it is'}.`);
      } else if (cancelled.status === 404) {
        await gone();
      } else if (cancelled.status !== 401) {
        say(false, kit.problemSentence(cancelled));
      }
    });
  }

  // Confirmed, cancelled elsewhere or expired since the page was drawn.
  async function gone() {
    await kit.refreshSession();
    await redraw();
    say(true, `No change is waiting any more: it was confirmed, cancelled or has expired. Your email address is ${
      kit.session()?.email || 'as shown above'}.`);
  }

  async function redraw() {
    outcome.textContent = '';
    const result = await api('GET', '/api/v1/me/email/change');
    const pending = result.ok && result.data ? result.data.pending : null;
    if (!pending) {
      body.replaceChildren();
      card.removeAttribute('aria-labelledby');
      card.hidden = true;
      return;
    }
    const address = String(pending.new_email || '');
    const time = (iso) => el('time', { datetime: iso, text: kit.dualTime(iso) });
    const again = el('button', { type: 'button', class: 'primary', 'data-testid': 'email-pending-resend',
      text: 'Send the link again' });
    const stop = el('button', { type: 'button', 'data-testid': 'email-pending-cancel', text: 'Cancel this change' });
    again.addEventListener('click', () => resend(address));
    stop.addEventListener('click', () => cancel());
    body.replaceChildren(
      el('h2', { id: 'email-pending-heading', text: 'Waiting for you to confirm your new address' }),
      el('p', { 'data-testid': 'email-pending' }, 'We sent a link to ', el('strong', { class: 'email-address', text: address }),
        ' at ', time(pending.requested_at), '. Open it to make this your account\'s email address; until then your ' +
        'current address stays.'),
      el('p', { class: 'hint' }, 'The link works until ', time(pending.expires_at),
        '. Not in your inbox? Look in your spam folder, or send the link again.'),
      // Inline, so that on a phone the second button wraps under the first.
      el('p', {}, again, ' ', stop));
    card.setAttribute('aria-labelledby', 'email-pending-heading');
    card.hidden = false;
  }

  await redraw();
  return { card, redraw, say };
}
