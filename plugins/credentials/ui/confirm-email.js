// The landing page of the link in the welcome mail. Opening the link
// changes nothing (mail scanners fetch links): the member confirms with
// the button, which POSTs the token. Someone who never joined is told not
// to confirm, and how to take the account over instead.

export async function render(root, kit) {
  const { el, api } = kit;
  const token = kit.params().get('token') || '';
  kit.forgetParams();  // the token stays in this page's memory, not in history
  const forgot = kit.entry('credentials', 'forgot-password');
  const signIn = kit.entry('credentials', 'sign-in');
  const dead = 'This link does not work any more: it was used already, or it is too old. ' +
    'Sign in and have a new one sent from Account Settings (Security Level).';
  if (!token) {
    root.append(el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'confirm-failed', text: dead }));
    return;
  }
  const message = el('p', { class: 'form-message error', role: 'alert', tabindex: '-1', 'data-testid': 'confirm-message' });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-testid': 'confirm-submit',
    text: 'Confirm my email address' });
  const form = el('form', { id: 'confirm-form', class: 'card narrow-form', novalidate: true },
    el('p', { text: 'Confirm that this email address is yours. Then you can set a security question and change ' +
      'your email address.' }),
    message, submit);
  root.append(form,
    el('p', { class: 'hint', 'data-testid': 'confirm-not-me' }, 'Did you not join? Then do not confirm: someone ' +
      'else used your address. ', forgot ? el('a', { href: kit.hashOf(forgot), text: 'Choose a new password' }) : null,
      forgot ? ' for the account instead: that ends their access.' : ''));
  submit.setAttribute('data-autofocus', '');

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    message.textContent = '';
    const result = await api('POST', `/api/v1/email-confirmations/${encodeURIComponent(token)}`);
    submit.disabled = false;
    if (result.ok) {
      const email = result.data && result.data.email;
      const done = el('p', { class: 'form-message ok', role: 'status', tabindex: '-1', 'data-testid': 'confirm-done',
        text: email ? `Thank you: ${email} is confirmed.` : 'Thank you: your email address is confirmed.' });
      root.replaceChildren(done,
        kit.session() || !signIn ? null : el('p', {}, el('a', { href: kit.hashOf(signIn), text: 'Sign in' })));
      done.focus();
      return;
    }
    message.textContent = result.status === 404 || result.status === 410 ? dead : kit.problemSentence(result);
    message.focus();
  });
}
