// Sign in: the page the member shell sends visitors to (id "sign-in").

export async function render(root, kit) {
  const { el, field, api } = kit;
  const message = el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'signin-message' });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-testid': 'signin-submit', text: 'Sign in' });
  const form = el('form', { id: 'signin-form', class: 'card narrow-form', novalidate: true },
    field({ name: 'email', label: 'Email address', type: 'email', required: true, autocomplete: 'username' }),
    field({ name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password' }),
    message, submit);
  const join = kit.entry('credentials', 'join');
  const forgot = kit.entry('credentials', 'forgot-password');
  // Offered when a plugin brings it (two_step) and the browser can do it.
  const passkey = typeof window.PublicKeyCredential === 'function' ? kit.entry('two_step', 'passkey-sign-in') : null;
  root.append(form,
    passkey ? el('p', {}, el('a', { href: kit.hashOf(passkey), class: 'button-link',
      'data-testid': 'signin-passkey', text: 'Sign in with a passkey' })) : null,
    forgot ? el('p', {}, el('a', { href: kit.hashOf(forgot), text: 'Forgotten your password?' })) : null,
    join ? el('p', {}, 'New here? ', el('a', { href: kit.hashOf(join), text: 'Join now' })) : null);
  form.elements.namedItem('email').setAttribute('data-autofocus', '');

  kit.onSubmit(form, message, submit, async () => {
    const result = await api('POST', '/api/v1/session', {
      body: { email: form.elements.namedItem('email').value, password: form.elements.namedItem('password').value },
    });
    // 202: the password was right and the member turned on two-step
    // verification: its page (the two_step plugin's) asks for the code.
    if (result.status === 202) {
      const step = kit.entry('two_step', 'second-step');
      if (!step) {
        message.textContent = 'Two-step verification is unavailable; try again shortly.';
        return;
      }
      sessionStorage.setItem('memberd.second_step', JSON.stringify(result.data.second_step));
      kit.go(kit.hashOf(step));
      return;
    }
    if (result.ok) {
      kit.notify('You are signed in.');
      await kit.signedIn();
      return;
    }
    if (result.status === 422 && kit.showFieldErrors(form, result.problem)) return;
    message.textContent = result.status === 401
      ? 'The email address or the password is wrong. Check both and try again. ' +
        'After several wrong tries in a row, sign-in from here locks for a while.'
      : kit.problemSentence(result);
    form.elements.namedItem('password').focus();
  });
}
