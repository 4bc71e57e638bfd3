// The second step of signing in (id "second-step", reached from the sign-in
// page when the password was right and the member turned two-step
// verification on): a code from the authenticator app, or a recovery code.
// The challenge the password step got waits in sessionStorage (never in the
// address: it would stay in the history).

import { codeSwitch } from './forms.js';

const KEY = 'memberd.second_step';

export async function render(root, kit) {
  const { el, field, api } = kit;
  let challenge = null;
  try { challenge = JSON.parse(sessionStorage.getItem(KEY) || 'null'); } catch { challenge = null; }
  const signIn = kit.entry('credentials', 'sign-in');
  const again = () => el('a', { href: signIn ? kit.hashOf(signIn) : '#/', 'data-testid': 'second-step-again',
    text: 'Sign in again' });
  if (!challenge || !challenge.challenge || Date.parse(challenge.expires_at) <= Date.now()) {
    sessionStorage.removeItem(KEY);
    root.append(el('div', { class: 'card', 'data-testid': 'second-step-expired' },
      el('p', { text: 'This sign-in has expired. For your security, the code must follow your password within 5 minutes.' }),
      el('p', {}, again())));
    return;
  }
  const methods = Array.isArray(challenge.methods) ? challenge.methods : ['totp'];

  const message = el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'second-step-message' });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-testid': 'second-step-submit', text: 'Continue' });
  const codeField = field({ name: 'code', label: '', required: true, autocomplete: 'one-time-code' });
  const label = codeField.querySelector('label');
  const input = codeField.querySelector('input');
  const hint = el('p', { class: 'hint', id: 'field-code-hint' });
  label.after(hint);
  input.setAttribute('aria-describedby', `field-code-hint ${input.getAttribute('aria-describedby')}`);
  const codes = codeSwitch(kit, codeField, { app: methods.includes('totp'), recovery: methods.includes('recovery_code'),
    testid: 'second-step-toggle' });
  const toggle = codes.toggle;
  const showHint = () => {
    hint.textContent = codes.method() === 'totp'
      ? 'Open the app on your phone and enter the 6-digit code it shows for this account.'
      : 'Each of the recovery codes you saved works once, like abcde-fghij.';
  };
  toggle.addEventListener('click', showHint);
  // Opt-in, and only on the member's own browser: the next sign-ins here
  // ask for the password alone.
  const remember = el('div', { class: 'checkbox' },
    el('input', { type: 'checkbox', id: 'second-step-remember', name: 'remember', 'data-testid': 'second-step-remember' }),
    el('label', { for: 'second-step-remember',
      text: 'Remember this browser: do not ask for a second step here again for a while. Only on a device that is yours.' }));
  const remembered = () => form.elements.namedItem('remember').checked;
  const form = el('form', { id: 'second-step-form', class: 'card narrow-form', novalidate: true },
    el('p', { text: 'Your password was right. Now confirm it is you with your second step.' }),
    codeField, remember, message, submit, el('p', {}, toggle));
  showHint();
  input.setAttribute('data-autofocus', '');
  // A passkey is one press: offered above the code when the member has one.
  const passkey = methods.includes('passkey') && kit.passkeys.supported()
    ? el('button', { type: 'button', class: 'primary', 'data-testid': 'second-step-passkey', text: 'Use a passkey' })
    : null;
  if (passkey) {
    input.removeAttribute('data-autofocus');
    passkey.setAttribute('data-autofocus', '');
    form.firstElementChild.after(el('p', {}, passkey),
      el('p', { class: 'hint', text: methods.includes('totp') ? 'Or enter a code:' : 'Or use one of your recovery codes:' }));
    passkey.addEventListener('click', async () => {
      message.textContent = '';
      passkey.disabled = true;
      try {
        const options = await api('POST', '/api/v1/session/second-step/passkey-options',
          { body: { challenge: challenge.challenge } });
        if (!options.ok) return failed(options);
        let credential;
        try {
          credential = await kit.passkeys.use(options.data.publicKey);
        } catch (error) {
          message.textContent = kit.passkeys.failureText(error);
          return;
        }
        await finish(await api('POST', '/api/v1/session/second-step',
          { body: { challenge: challenge.challenge, method: 'passkey', credential, remember: remembered() } }));
      } finally {
        passkey.disabled = false;
        if (passkey.isConnected) passkey.focus();
      }
    });
  }
  root.append(form, el('p', { class: 'hint' }, 'Lost your phone and your recovery codes? ',
    'Contact us: an administrator can remove your second step once you prove who you are.'));

  // A refusal that is not about the code typed.
  function failed(result) {
    const type = String(result.problem?.type || '');
    if (type.endsWith(':challenge_expired')) {
      sessionStorage.removeItem(KEY);
      message.replaceChildren('This sign-in has expired or was already used. ', again());
      return true;
    }
    message.textContent = type.endsWith(':wrong_code') && !form.elements.namedItem('code').value
      ? 'That passkey did not confirm it is you. Try again, or enter a code.'
      : kit.problemSentence(result);
    return true;
  }

  async function finish(result) {
    if (result.ok) {
      sessionStorage.removeItem(KEY);
      kit.notify('You are signed in.');
      await kit.signedIn();
      return;
    }
    failed(result);
  }

  kit.onSubmit(form, message, submit, async () => {
    const result = await api('POST', '/api/v1/session/second-step',
      { body: { challenge: challenge.challenge, method: codes.method(), code: input.value, remember: remembered() } });
    if (result.ok) return finish(result);
    if (String(result.problem?.type || '').endsWith(':wrong_code')) {
      const left = Number.isInteger(result.problem.attempts_left) ? result.problem.attempts_left : null;
      const more = left === null ? '' : ` ${left} ${left === 1 ? 'attempt' : 'attempts'} left before the account is locked for a while.`;
      kit.showFieldErrors(form, { errors: { code: `That code is not right.${more}` } });
      input.select();
      return;
    }
    if (result.status === 422 && kit.showFieldErrors(form, result.problem)) return;
    failed(result);
  });
}
