// Sign in with a passkey (id "passkey-sign-in", linked from the sign-in
// page): no email, no password; the device checks it is you (a fingerprint,
// a face, a PIN) and the passkey chooses the account.

export async function render(root, kit) {
  const { el, api } = kit;
  const message = el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'passkey-signin-message' });
  const signIn = kit.entry('credentials', 'sign-in');
  const back = signIn ? el('p', {}, el('a', { href: kit.hashOf(signIn), text: 'Sign in with your email and password instead' })) : null;
  if (!kit.passkeys.supported()) {
    root.append(el('p', { class: 'card', text: 'This browser cannot use passkeys.' }), back);
    return;
  }
  const button = el('button', { type: 'button', class: 'primary', 'data-testid': 'passkey-signin-submit',
    'data-autofocus': '', text: 'Use my passkey' });
  root.append(el('div', { class: 'card narrow-form' },
    el('p', { text: 'Your device will ask you to confirm it is you, with your fingerprint, face or screen lock. ' +
      'You do not need your email address or password.' }), message, button), back);
  button.addEventListener('click', async () => {
    message.textContent = '';
    button.disabled = true;
    try {
      const options = await api('POST', '/api/v1/session/passkey/options');
      if (!options.ok) { message.textContent = kit.problemSentence(options); return; }
      let credential;
      try {
        credential = await kit.passkeys.use(options.data.publicKey);
      } catch (error) {
        message.textContent = kit.passkeys.failureText(error);
        return;
      }
      const result = await api('POST', '/api/v1/session/passkey', { body: { credential } });
      if (result.ok) {
        kit.notify('You are signed in with your passkey.');
        await kit.signedIn();
        return;
      }
      message.textContent = result.status === 401
        ? 'That passkey did not sign you in. If you removed it from your account, sign in with your password.'
        : kit.problemSentence(result);
    } finally {
      // Disabled while it worked, the button lost the focus: a failure
      // gives it back, so the next try is one key away.
      button.disabled = false;
      if (button.isConnected) button.focus();
    }
  });
}
