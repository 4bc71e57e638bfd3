// The second step inside this plugin's forms (the step-up, the reset): for
// a member with two-step verification, a code from their app, one of their
// recovery codes, or a passkey, sent as `second_step` in the two_step
// plugin's form ({method, code} or {method: "passkey", credential}).

const LABELS = { totp: 'Code from your authenticator app', recovery_code: 'Recovery code' };
const SWITCHES = {
  totp: 'Use the code from your app instead',
  recovery_code: 'Use a recovery code instead',
  passkey: 'Use a passkey instead',
};

// The field and how to read it. `passkeyOptions` is the path that gives a
// passkey's options to this flow (signed in: the member's own; signed out,
// a reset: options that name no member).
export function secondStepField(kit, passkeyOptions) {
  const { el, field } = kit;
  let method = 'totp';
  let lastSent = method;
  const box = field({ name: 'code', label: LABELS.totp, required: true, autocomplete: 'one-time-code',
    hint: 'Two-step verification is on for your account.' });
  const input = box.querySelector('input');
  const label = box.querySelector('label');
  input.setAttribute('inputmode', 'numeric');
  const passkeyNote = el('p', { class: 'hint', tabindex: '-1', hidden: true, 'data-testid': 'passkey-note',
    text: 'Two-step verification is on for your account. When you continue, your browser asks for your passkey.' });
  const switches = el('p', { class: 'second-step-switches' });
  const node = el('div', { 'data-testid': 'second-step-field' }, box, passkeyNote, switches);

  const choose = (next) => {
    method = next;
    box.hidden = method === 'passkey';
    passkeyNote.hidden = method !== 'passkey';
    if (method !== 'passkey') {
      label.textContent = LABELS[method];
      input.setAttribute('inputmode', method === 'totp' ? 'numeric' : 'text');
      input.setAttribute('autocomplete', method === 'totp' ? 'one-time-code' : 'off');
      input.value = '';
    }
    switches.replaceChildren(...Object.keys(SWITCHES)
      .filter((m) => m !== method && (m !== 'passkey' || kit.passkeys.supported()))
      .map((m) => {
        const button = el('button', { type: 'button', class: 'link-button', 'data-testid': `use-${m}`, text: SWITCHES[m] });
        button.addEventListener('click', () => {
          kit.clearFieldErrors(node.closest('form') || node);
          choose(m);
          (m === 'passkey' ? passkeyNote : input).focus();
        });
        return button;
      }));
  };
  choose('totp');

  return {
    node,
    input,
    // The proof to send; for a passkey the browser's ceremony runs first.
    // Throws what the member should read when no proof could be had.
    async value() {
      lastSent = method;
      if (method !== 'passkey') return { method, code: input.value };
      const options = await kit.api('POST', passkeyOptions);
      if (!options.ok) throw new Error(kit.problemSentence(options));
      try {
        return { method: 'passkey', credential: await kit.passkeys.use(options.data.publicKey) };
      } catch (error) {
        throw new Error(kit.passkeys.failureText(error));
      }
    },
    // What the member used last (the words of a refusal differ).
    lastMethod: () => lastSent,
  };
}

// What a form sends as `second_step`: {} without the field (the member has
// no second step, or the daemon has not asked yet), {second_step: proof}
// with it, or null when no proof could be had (the browser's passkey prompt
// ended without an answer), said in `message`.
export async function secondStepBody(second, message) {
  if (!second) return {};
  try {
    return { second_step: await second.value() };
  } catch (error) {
    message.textContent = error.message;
    return null;
  }
}

// A 403 about the second step, said next to the code field (or, for a
// passkey, in `message`); true when it was one.
export function showSecondStepError(kit, form, result, second, message) {
  const type = String(result.problem?.type || '');
  if (result.status !== 403 || !type.endsWith(':wrong_code') || !second) return false;
  if (second.lastMethod() === 'passkey') {
    message.textContent = 'That passkey did not work for your account. Try again, or use a code instead.';
    return true;
  }
  kit.showFieldErrors(form, { errors: { code: 'That code is not right. Check it and try again.' } });
  return true;
}
