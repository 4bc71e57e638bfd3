// The second step inside this plugin's forms (the step-up, the reset): for
// a member with two-step verification, a code from their app or one of
// their recovery codes, sent as `second_step: {method, code}`.

// The field (code, with a switch to a recovery code) and how to read it.
export function secondStepField(kit) {
  const { el, field } = kit;
  let method = 'totp';
  const box = field({ name: 'code', label: 'Code from your authenticator app', required: true,
    autocomplete: 'one-time-code', hint: 'Two-step verification is on for your account.' });
  const input = box.querySelector('input');
  input.setAttribute('inputmode', 'numeric');
  const toggle = el('button', { type: 'button', class: 'link-button', 'data-testid': 'code-toggle',
    text: 'Use a recovery code instead' });
  toggle.addEventListener('click', () => {
    method = method === 'totp' ? 'recovery_code' : 'totp';
    box.querySelector('label').textContent = method === 'totp' ? 'Code from your authenticator app' : 'Recovery code';
    toggle.textContent = method === 'totp' ? 'Use a recovery code instead' : 'Use the code from your app instead';
    input.setAttribute('inputmode', method === 'totp' ? 'numeric' : 'text');
    input.value = '';
    input.focus();
  });
  return {
    node: el('div', { 'data-testid': 'second-step-field' }, box, el('p', {}, toggle)),
    input,
    value: () => ({ method, code: input.value }),
  };
}

// A 403 about the second step, said next to the code field; true when it was one.
export function showSecondStepError(kit, form, result) {
  const type = String(result.problem?.type || '');
  if (result.status !== 403 || !type.endsWith(':wrong_code') || !form.elements.namedItem('code')) return false;
  kit.showFieldErrors(form, { errors: { code: 'That code is not right. Check it and try again.' } });
  return true;
}
