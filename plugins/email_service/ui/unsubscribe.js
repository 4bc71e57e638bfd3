// The landing page of the unsubscribe link in every category message. The
// link itself changes nothing (mail scanners open links): this page says
// what it is for and unsubscribes when the member presses the button, with
// the same POST a mail client's one-click button sends (RFC 8058).
export async function render(root, kit) {
  const { el, api } = kit;
  const token = kit.params().get('token') || '';
  kit.forgetParams();
  const path = `/api/v1/email/unsubscribe?token=${encodeURIComponent(token)}`;
  const status = el('p', { class: 'form-message', role: 'status', 'data-testid': 'unsubscribe-status' });
  const choices = el('p', { class: 'hint' }, 'You can choose all the mail you get under ',
    el('a', { href: '#/email_service/email-service', text: 'Email Service' }), ' once signed in.');

  const link = token ? await api('GET', path) : { ok: false, status: 404, problem: {} };
  if (!link.ok || !link.data) {
    root.append(el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'unsubscribe-failed',
      text: failure(link) }), choices);
    return;
  }
  const { category, email } = link.data;
  if (!link.data.subscribed) {
    root.append(el('p', { class: 'form-message ok', 'data-testid': 'unsubscribe-done',
      text: `${email} does not get ${category.label} any more: there is nothing more to do.` }), choices);
    return;
  }
  const button = el('button', { type: 'submit', class: 'primary', 'data-testid': 'unsubscribe-confirm',
    text: `Unsubscribe from ${category.label}` });
  const form = el('form', { class: 'card unsubscribe-form', 'data-testid': 'unsubscribe-form' },
    el('p', { text: `Stop sending ${category.label} to ${email}?` }),
    el('p', { class: 'hint', text: 'Mail about your account’s security keeps coming: it is never optional.' }),
    el('div', { class: 'actions' }, button), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    status.className = 'form-message';
    status.textContent = 'Unsubscribing…';
    const done = await api('POST', path);
    if (done.ok) {
      form.replaceWith(el('p', { class: 'form-message ok', role: 'status', 'data-testid': 'unsubscribe-done',
        text: `Done: ${email} will no longer get ${category.label}.` }));
      kit.announce(`Done: you will no longer get ${category.label}.`);
      return;
    }
    button.disabled = false;
    status.className = 'form-message error';
    status.textContent = failure(done);
    kit.announce(status.textContent);
  });
  root.append(form, choices);
}

function failure(result) {
  if (result.status === 0) return 'The connection failed. Try again.';
  if (result.status === 404) return 'This unsubscribe link is not valid. Check that it was copied whole.';
  if (result.status === 410) return (result.problem && result.problem.detail) ||
    'This unsubscribe link is too old.';
  return 'Something went wrong on our side. Try again in a moment.';
}
