// What this plugin's forms share: the second step a form asks for once
// two-step is on, and the switch between the app's code and a recovery
// code. (The submit itself is the kit's: kit.onSubmit.)

// `body` with the second step's proof from `proof` (proofControls in
// two-step.js) added as `second_step`; null when it could not be had (the
// browser's passkey prompt ended without an answer), said in `message`.
export async function withProof(kit, proof, body, message) {
  if (!proof) return body;
  try {
    return { ...body, second_step: await proof.proof() };
  } catch (error) {
    message.textContent = error.name === 'OptionsError' ? error.message : kit.passkeys.failureText(error);
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
