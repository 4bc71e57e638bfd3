// "Email address: confirmed / not confirmed" on Security Level, from the
// credentials plugin's GET /api/v1/me, with a button that mails a new
// confirmation link (POST /api/v1/me/email/confirmation). Without the
// credentials plugin (no such fields) the card is left out.

// The card, or null when the member's address state is not known.
export async function emailCard(kit) {
  const { el, api } = kit;
  const me = await api('GET', '/api/v1/me');
  if (!me.ok || !me.data || typeof me.data.email_confirmed !== 'boolean') return null;
  const confirmed = me.data.email_confirmed;
  const email = String(me.data.email || '');
  const card = el('section', { class: 'card email-state', 'aria-labelledby': 'email-heading', 'data-testid': 'email-state' },
    el('h2', { id: 'email-heading' }, 'Email address: ',
      el('span', { class: `state ${confirmed ? 'state-ok' : 'state-bad'}`, 'data-testid': 'email-state-value',
        text: confirmed ? 'confirmed' : 'not confirmed' })),
    el('p', { class: 'email-address', text: email }));
  if (confirmed) return card;

  card.append(el('p', { text: 'We sent a link to this address when you joined. Open it to confirm that the address ' +
    'is yours. Until you do, you cannot set a security question or change your email address.' }));
  card.append(...kit.actionButton({
    label: 'Send the link again',
    testid: 'resend-confirmation',
    async act() {
      const sent = await api('POST', '/api/v1/me/email/confirmation');
      return sent.ok
        ? { ok: true, text: `We sent a new link to ${email}. It may take a few minutes to arrive; ` +
            'check your spam folder too.' }
        : { ok: false, text: resendProblem(sent) };
    },
  }));
  return card;
}

function resendProblem(result) {
  if (result.status === 429) {
    return 'We sent you several links already. Check your spam folder, or ask again in an hour.';
  }
  if (result.status === 409) return 'Your email address is confirmed already. Reload the page.';
  const problem = result.problem || {};
  return [problem.title, problem.detail].filter(Boolean).join(' — ') ||
    'The link could not be sent. Try again later.';
}
