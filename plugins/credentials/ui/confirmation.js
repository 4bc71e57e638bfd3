// Whether the member's address is confirmed, and the guidance when it is
// not: what the link in the welcome mail is for, and a button that mails a
// new one (POST /api/v1/me/email/confirmation).

// True when GET /api/v1/me says the address is confirmed (or cannot say:
// the API refuses what needs it anyway).
export async function emailConfirmed(kit) {
  const me = await kit.api('GET', '/api/v1/me');
  return !(me.ok && me.data && me.data.email_confirmed === false);
}

// A button that mails a new link, its outcome shown beside it (the kit's
// actionButton).
export function resendButton(kit, email) {
  return kit.actionButton({
    label: 'Send the link again',
    testid: 'resend-confirmation',
    async act() {
      const sent = await kit.api('POST', '/api/v1/me/email/confirmation');
      if (sent.ok) {
        return { ok: true,
          text: `We sent a new link to ${email}. It may take a few minutes to arrive; check your spam folder too.` };
      }
      return { ok: false, text: sent.status === 429
        ? 'We sent you several links already. Check your spam folder, or ask again in an hour.'
        : kit.problemSentence(sent) };
    },
  });
}

// Not confirmed yet: say why it matters for `what` and offer a new link.
export function guideToConfirm(root, kit, what) {
  const email = String(kit.session()?.email || '');
  root.append(kit.el('div', { class: 'card', 'data-testid': 'confirm-guide' },
    kit.el('h2', { id: 'confirm-guide-heading', tabindex: '-1', 'data-autofocus': '', text: 'Confirm your email address first' }),
    kit.el('p', { text: `Before you can ${what}, confirm that ${email} is yours: open the link in the email we ` +
      'sent when you joined.' }),
    kit.el('p', { text: 'No email? Check your spam folder, or have a new link sent.' }),
    ...resendButton(kit, email)));
}
