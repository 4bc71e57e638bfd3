// What this plugin's forms share: the submit (last errors cleared, the
// button off while it works, the focus given back to it when a failure
// left it nowhere), the second step a form asks for once two-step is on,
// and the switch between the app's code and a recovery code.
import { ceremonyFailure } from './webauthn.js';

export function onSubmit(kit, form, message, submit, run) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    kit.clearFieldErrors(form);
    message.textContent = '';
    submit.disabled = true;
    try {
      await run();
    } finally {
      submit.disabled = false;
      // Disabled while it worked, the button lost the focus: a failure said
      // in the message gives it back.
      if (message.textContent && submit.isConnected && !form.contains(document.activeElement)) submit.focus();
    }
  });
}

// `body` with the second step's proof from `proof` (proofControls in
// two-step.js) added as `second_step`; null when it could not be had (the
// browser's passkey prompt ended without an answer), said in `message`.
export async function withProof(proof, body, message) {
  if (!proof) return body;
  try {
    return { ...body, second_step: await proof.proof() };
  } catch (error) {
    message.textContent = error.name === 'OptionsError' ? error.message : ceremonyFailure(error);
    return null;
  }
}

// A code field (kit.field) that takes the app's code or a recovery code,
// with the button that switches between them when both are possible.
// Returns the button to place and the method chosen now.
export function codeSwitch(kit, codeField, { app, recovery, testid }) {
  let method = app ? 'totp' : 'recovery_code';
  const label = codeField.querySelector('label');
  const input = codeField.querySelector('input');
  const toggle = kit.el('button', { type: 'button', class: 'link-button', 'data-testid': testid });
  const show = () => {
    label.textContent = method === 'totp' ? 'Code from your authenticator app' : 'Recovery code';
    input.setAttribute('inputmode', method === 'totp' ? 'numeric' : 'text');
    input.setAttribute('autocomplete', method === 'totp' ? 'one-time-code' : 'off');
    toggle.textContent = method === 'totp' ? 'Use a recovery code instead' : 'Use the code from your app instead';
    toggle.hidden = !(app && recovery);
  };
  toggle.addEventListener('click', () => {
    method = method === 'totp' ? 'recovery_code' : 'totp';
    input.value = '';
    kit.clearFieldErrors(codeField.closest('form') || codeField);
    show();
    input.focus();
  });
  show();
  return { toggle, method: () => method, show };
}
