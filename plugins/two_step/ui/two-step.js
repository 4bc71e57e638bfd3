// Two-Step Verification (the member's page): what protects the account,
// setting up an authenticator app (a QR code, the key as text, then a code
// from the app), passkeys (added from this browser, renamed, removed), the
// recovery codes (shown once, downloadable, made anew), and turning it off
// (the password and a code).
import { codeSwitch, withProof } from './forms.js';

export async function render(root, kit) {
  const { el, api } = kit;
  const result = await api('GET', '/api/v1/me/two-step');
  if (!result.ok) {
    root.append(el('p', { class: 'form-message error', role: 'alert', text: kit.problemSentence(result) }));
    return;
  }
  const state = result.data;
  root.append(summary(kit, state));
  const passkeys = state.passkeys_available && kit.passkeys.supported() ? passkeySection(root, kit, state) : null;
  if (state.enabled) {
    const app = state.app.state === 'on' ? null : setUpSection(root, kit, state);
    const browsers = state.remembered_devices.length ? rememberedSection(root, kit, state) : null;
    root.append(...[app, passkeys, newCodesSection(root, kit, state), browsers, turnOffSection(root, kit, state)]
      .filter(Boolean));
  } else {
    root.append(...[setUpSection(root, kit, state), passkeys].filter(Boolean));
  }
}

// Draws the page again from the daemon's state, keeping the notice shown.
function redraw(root, kit) {
  root.replaceChildren();
  return render(root, kit);
}

function section(kit, title, testid, ...children) {
  const heading = kit.el('h2', { tabindex: '-1', 'data-testid': `${testid}-heading`, text: title });
  return kit.el('section', { class: 'card', 'data-testid': testid }, heading, ...children);
}

function summary(kit, state) {
  const { el } = kit;
  const on = state.enabled;
  const rows = [];
  if (on) {
    const app = state.app.state === 'on';
    rows.push(['Authenticator app', app ? el('span', {}, 'Added ', kit.timeEl(state.app.added_at)) : 'None']);
    if (app) rows.push(['Last used', kit.timeEl(state.app.last_used_at)]);
    rows.push(['Passkeys', el('span', { 'data-testid': 'passkeys-count',
      text: state.passkeys.length === 1 ? '1 passkey' : `${state.passkeys.length} passkeys` })]);
    const left = state.recovery_codes.left;
    rows.push(['Recovery codes', el('span', { 'data-testid': 'codes-left',
      class: left < 3 ? 'warning-text' : null,
      text: `${left} of 10 left${left < 3 ? ': make new ones soon' : ''}` })]);
  }
  return el('div', { class: 'card', 'data-testid': 'two-step-state' },
    el('p', { class: on ? 'state on' : 'state off', 'data-testid': 'two-step-status' },
      el('strong', { text: on ? 'Two-step verification is on.' : 'Two-step verification is off.' })),
    el('p', { text: on
      ? 'Signing in asks for your password and then your second step: a code from your authenticator app, a passkey, ' +
        'or one of your recovery codes.'
      : 'Anyone who learns your password can sign in as you. Turn on two-step verification: signing in will also ask ' +
        'for a code from an app on your phone, which changes every 30 seconds.' }),
    rows.length ? el('dl', { class: 'facts' }, rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)])) : null);
}

// The kit names a field's input "field-<name>": two forms on this page ask
// for the password, so each form's ids get its own prefix (a label must
// point at its own input).
function ownIds(form, prefix) {
  for (const node of form.querySelectorAll('[id^="field-"]')) node.id = `${prefix}-${node.id}`;
  for (const label of form.querySelectorAll('label[for^="field-"]')) label.htmlFor = `${prefix}-${label.htmlFor}`;
  for (const node of form.querySelectorAll('[aria-describedby]')) {
    node.setAttribute('aria-describedby', node.getAttribute('aria-describedby').split(' ')
      .map((ref) => (ref.startsWith('field-') ? `${prefix}-${ref}` : ref)).join(' '));
  }
  return form;
}

// With two-step on, adding a factor or new codes asks for the second step
// as well as the password: the member's choice of a code from the app, a
// passkey or a recovery code. `proof()` resolves to the body's
// `second_step` (a passkey's ceremony runs then; it throws when the browser's does).
function proofControls(kit, state, prefix) {
  const { el, field } = kit;
  const choices = [];
  if (state.app.state === 'on') choices.push(['totp', 'A code from your authenticator app']);
  if (state.passkeys.length && kit.passkeys.supported()) choices.push(['passkey', 'A passkey']);
  if (state.recovery_codes.left > 0) choices.push(['recovery_code', 'A recovery code']);
  let method = choices.length ? choices[0][0] : 'totp';
  const codeField = field({ name: 'code', label: 'Code', required: true, autocomplete: 'one-time-code' });
  const input = codeField.querySelector('input');
  const label = codeField.querySelector('label');
  const show = () => {
    codeField.hidden = method === 'passkey';
    label.textContent = method === 'totp' ? 'Code from your authenticator app' : 'Recovery code';
    input.setAttribute('inputmode', method === 'totp' ? 'numeric' : 'text');
  };
  const radios = choices.map(([value, text], i) => el('div', { class: 'radio' },
    el('input', { type: 'radio', id: `${prefix}-proof-${value}`, name: `${prefix}-proof`, value, checked: i === 0,
      onchange: () => { method = value; show(); } }),
    el('label', { for: `${prefix}-proof-${value}`, text })));
  show();
  const node = el('fieldset', { class: 'proof', 'data-testid': `${prefix}-proof` },
    el('legend', { text: 'Then confirm it is you with your second step' }), radios, codeField);
  return {
    node,
    async proof() {
      if (method !== 'passkey') return { method, code: input.value };
      const options = await kit.api('POST', '/api/v1/me/two-step/passkeys/assertion-options');
      if (!options.ok) throw Object.assign(new Error(kit.problemSentence(options)), { name: 'OptionsError' });
      return { method, credential: await kit.passkeys.use(options.data.publicKey) };
    },
  };
}

// The password again (and with two-step on, the second step); `onDone`
// gets the body to send and resolves to the daemon's answer.
function passwordForm(kit, { id, submitText, testid, onDone, state }) {
  const { el, field } = kit;
  const message = el('p', { class: 'form-message error', role: 'alert', 'data-testid': `${testid}-message` });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-testid': `${testid}-submit`, text: submitText });
  const proof = state && state.enabled ? proofControls(kit, state, id) : null;
  const form = el('form', { id, class: 'narrow-form', novalidate: true },
    field({ name: 'password', label: 'Your password', type: 'password', required: true,
      autocomplete: 'current-password', hint: 'We ask for it again before changing how your account is protected.' }),
    proof ? proof.node : null, message, submit);
  ownIds(form, id);
  kit.onSubmit(form, message, submit, async () => {
    const body = await withProof(kit, proof, { password: form.elements.namedItem('password').value }, message);
    if (!body) return;
    const answer = await onDone(body);
    if (answer && !answer.ok) showProblem(kit, form, message, answer);
  });
  return form;
}

// A failed call's words, next to the field they are about when there is one.
function showProblem(kit, form, message, result) {
  const type = String(result.problem?.type || '');
  const left = Number.isInteger(result.problem?.attempts_left) ? result.problem.attempts_left : null;
  const more = left === null ? '' : ` ${left} ${left === 1 ? 'attempt' : 'attempts'} left before the account is locked for a while.`;
  if (type.endsWith(':wrong_password')) return kit.showFieldErrors(form, { errors: { password: `That is not your password.${more}` } });
  if (type.endsWith(':wrong_code')) return kit.showFieldErrors(form, { errors: { code: `That code is not right.${more}` } });
  if (result.status === 422 && kit.showFieldErrors(form, result.problem)) return true;
  message.textContent = kit.problemSentence(result);
  return true;
}

function setUpSection(root, kit, state) {
  const { el } = kit;
  const place = el('div');
  const form = passwordForm(kit, {
    id: 'app-start-form', submitText: 'Set up an authenticator app', testid: 'app-start', state,
    onDone: async (body) => {
      const result = await kit.api('POST', '/api/v1/me/two-step/app', { body });
      if (result.ok) scanStep(root, kit, place, result.data);
      return result;
    },
  });
  place.append(form);
  return section(kit, 'Set up an authenticator app', 'app-setup',
    el('p', { text: 'You need an authenticator app on your phone, such as Google Authenticator, Microsoft ' +
      'Authenticator, FreeOTP or 1Password. Any app for "time-based codes" (TOTP) works.' }),
    place);
}

function scanStep(root, kit, place, secret) {
  const { el, field } = kit;
  const message = el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'app-confirm-message' });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-testid': 'app-confirm-submit', text: 'Turn on two-step verification' });
  const codeField = field({ name: 'code', label: 'Code from the app', required: true, autocomplete: 'one-time-code',
    hint: 'The 6 digits the app shows for this account now.' });
  codeField.querySelector('input').setAttribute('inputmode', 'numeric');
  const form = el('form', { id: 'app-confirm-form', class: 'narrow-form', novalidate: true }, codeField, message, submit);
  const heading = el('h3', { tabindex: '-1', 'data-testid': 'app-scan-heading', text: '1. Scan this QR code with the app' });
  const qr = el('img', { class: 'qr', width: '200', height: '200', 'data-testid': 'app-qr',
    alt: 'QR code for your authenticator app. If you cannot scan it, enter the key below instead.',
    src: `data:image/svg+xml;base64,${btoa(secret.qr_svg)}` });
  place.replaceChildren(heading, qr,
    el('p', {}, 'Cannot scan it? In the app, choose to enter a key, and type: '),
    el('p', { class: 'secret', 'data-testid': 'app-secret', text: secret.secret }),
    el('h3', { text: '2. Enter the code the app shows' }), form);
  heading.focus();
  kit.onSubmit(form, message, submit, async () => {
    const result = await kit.api('POST', '/api/v1/me/two-step/app/confirm',
      { body: { code: form.elements.namedItem('code').value } });
    if (result.ok) {
      kit.notify('Two-step verification is on. We sent you an email about it.');
      if (result.data.recovery_codes.length) return showCodes(root, kit, result.data.recovery_codes);
      return redraw(root, kit);
    }
    showProblem(kit, form, message, result);
  });
}

// The codes, once: a list to copy, a text file to keep, and a button to go on.
function showCodes(root, kit, codes) {
  const { el } = kit;
  const text = ['memberd recovery codes', 'Each code works once, instead of a code from your app.', '',
    ...codes, ''].join('\n');
  const download = el('a', { class: 'button-link', download: 'recovery-codes.txt', 'data-testid': 'codes-download',
    href: URL.createObjectURL(new Blob([text], { type: 'text/plain' })), text: 'Download them as a text file' });
  const done = el('button', { type: 'button', class: 'primary', 'data-testid': 'codes-done', text: 'I have saved my recovery codes' });
  done.addEventListener('click', () => {
    URL.revokeObjectURL(download.href);
    redraw(root, kit);
  });
  const panel = section(kit, 'Save your recovery codes', 'recovery-codes',
    el('p', { text: 'If you lose your phone, each of these codes lets you sign in once. Keep them somewhere safe, ' +
      'such as a password manager. This is the only time we show them.' }),
    el('ol', { class: 'codes', 'data-testid': 'codes-list' }, codes.map((code) => el('li', { text: code }))),
    el('p', {}, download), done);
  root.replaceChildren(panel);
  panel.querySelector('h2').focus();
}

function passkeySection(root, kit, state) {
  const { el, field } = kit;
  const onlyFactor = state.passkeys.length === 1 && state.app.state !== 'on';
  const rows = state.passkeys.map((key) => {
    const place = el('div', { class: 'passkey-actions' });
    const rename = el('button', { type: 'button', 'data-testid': 'passkey-rename', text: 'Rename' });
    const remove = el('button', { type: 'button', class: 'warning', 'data-testid': 'passkey-remove', text: 'Remove',
      hidden: onlyFactor });
    place.append(rename, remove);
    rename.addEventListener('click', () => renameForm(root, kit, place, key));
    remove.addEventListener('click', async () => {
      const yes = await kit.confirmStep(place, { question: `Remove the passkey "${key.name}"? It will no longer sign you in.`,
        yes: 'Remove it', testid: 'passkey-remove-confirm', returnFocus: null });
      if (yes) {
        const result = await kit.api('DELETE', `/api/v1/me/two-step/passkeys/${encodeURIComponent(key.id)}`);
        if (result.ok) kit.notify(`The passkey "${key.name}" is removed. We sent you an email about it.`);
        else kit.notify(kit.problemSentence(result), 'info');
      }
      await redraw(root, kit);
      root.querySelector('[data-testid="passkeys-heading"]')?.focus();
    });
    return el('li', { class: 'passkey', 'data-testid': 'passkey-item' },
      el('strong', { 'data-testid': 'passkey-name', text: key.name }),
      el('span', { class: 'muted' }, ' · added ', kit.timeEl(key.created_at), ' · last used ', kit.timeEl(key.last_used_at)),
      place);
  });
  const message = el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'passkey-add-message' });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-testid': 'passkey-add-submit', text: 'Add a passkey' });
  const proof = state.enabled ? proofControls(kit, state, 'passkey-form') : null;
  const form = ownIds(el('form', { id: 'passkey-form', class: 'narrow-form', novalidate: true },
    field({ name: 'name', label: 'Name this passkey', hint: 'Such as the device it is on, like "Work laptop".' }),
    field({ name: 'password', label: 'Your password', type: 'password', required: true, autocomplete: 'current-password' }),
    proof ? proof.node : null, message, submit), 'passkey-form');
  kit.onSubmit(form, message, submit, async () => {
    const body = await withProof(kit, proof, { password: form.elements.namedItem('password').value }, message);
    if (!body) return;
    const options = await kit.api('POST', '/api/v1/me/two-step/passkeys/options', { body });
    if (!options.ok) return showProblem(kit, form, message, options);
    let credential;
    try {
      credential = await kit.passkeys.create(options.data.publicKey);
    } catch (error) {
      message.textContent = kit.passkeys.failureText(error);
      return;
    }
    const result = await kit.api('POST', '/api/v1/me/two-step/passkeys',
      { body: { name: form.elements.namedItem('name').value, credential } });
    if (!result.ok) return showProblem(kit, form, message, result);
    kit.notify(`The passkey "${result.data.passkey.name}" is added. We sent you an email about it.`);
    if (result.data.recovery_codes.length) return showCodes(root, kit, result.data.recovery_codes);
    await redraw(root, kit);
    root.querySelector('[data-testid="passkeys-heading"]')?.focus();
  });
  return section(kit, 'Passkeys', 'passkeys',
    el('p', { text: 'A passkey signs you in with your fingerprint, face or screen lock instead of a code, and cannot ' +
      'be typed into a fake site. You can also sign in with a passkey alone, without your password.' }),
    rows.length ? el('ul', { class: 'passkeys', 'data-testid': 'passkey-list' }, rows) : null,
    onlyFactor ? el('p', { class: 'hint', text: 'Your only passkey can be removed by turning two-step verification off.' }) : null,
    form);
}

function renameForm(root, kit, place, key) {
  const { el, field } = kit;
  const submit = el('button', { type: 'submit', class: 'primary', 'data-testid': 'passkey-rename-save', text: 'Save' });
  const cancel = el('button', { type: 'button', text: 'Cancel', onclick: () => redraw(root, kit) });
  const form = ownIds(el('form', { class: 'inline-form', novalidate: true },
    field({ name: 'name', label: 'New name', required: true }), submit, cancel), 'rename');
  const input = form.elements.namedItem('name');
  input.value = key.name;
  place.replaceChildren(form);
  input.focus();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = await kit.api('PATCH', `/api/v1/me/two-step/passkeys/${encodeURIComponent(key.id)}`,
      { body: { name: input.value } });
    if (result.status === 422 && kit.showFieldErrors(form, result.problem)) return;
    kit.notify(result.ok ? `The passkey is now called "${result.data.name}".` : kit.problemSentence(result),
      result.ok ? 'ok' : 'info');
    await redraw(root, kit);
  });
}

// Browsers where the password alone signs in ("remember this browser").
function rememberedSection(root, kit, state) {
  const { el } = kit;
  const items = state.remembered_devices.map((device) => {
    const forget = el('button', { type: 'button', 'data-testid': 'remembered-forget', text: 'Forget this browser' });
    forget.addEventListener('click', async () => {
      const result = await kit.api('DELETE', `/api/v1/me/two-step/remembered-devices/${encodeURIComponent(device.id)}`);
      kit.notify(result.ok || result.status === 404 ? 'That browser will ask for your second step again.'
        : kit.problemSentence(result), result.ok ? 'ok' : 'info');
      await redraw(root, kit);
      root.querySelector('[data-testid="two-step-state"]')?.setAttribute('tabindex', '-1');
      root.querySelector('[data-testid="two-step-state"]')?.focus();
    });
    return el('li', { 'data-testid': 'remembered-device' },
      el('strong', { text: device.user_agent || 'A browser' }),
      el('span', { class: 'muted' }, ' · remembered ', kit.timeEl(device.created_at), ' · until ', kit.timeEl(device.expires_at)),
      el('div', { class: 'passkey-actions' }, forget));
  });
  return section(kit, 'Remembered browsers', 'remembered',
    el('p', { text: 'On these browsers your password alone signs you in. Changing your password forgets them all.' }),
    el('ul', { class: 'passkeys' }, items));
}

function newCodesSection(root, kit, state) {
  const form = passwordForm(kit, {
    id: 'codes-form', submitText: 'Make new recovery codes', testid: 'codes-new', state,
    onDone: async (body) => {
      const result = await kit.api('POST', '/api/v1/me/two-step/recovery-codes', { body });
      if (result.ok) {
        kit.notify('You have new recovery codes. The old ones no longer work.');
        showCodes(root, kit, result.data.recovery_codes);
      }
      return result;
    },
  });
  return section(kit, 'Recovery codes', 'codes-section',
    kit.el('p', { text: 'Used some, or lost them? Make a new set of 10. The old ones stop working.' }), form);
}

function turnOffSection(root, kit, state) {
  const { el, field } = kit;
  const app = state.app.state === 'on';
  const codesLeft = state.recovery_codes.left > 0;
  // The app's code when there is one, else a recovery code; a passkey is one press.
  const message = el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'turn-off-message' });
  const submit = el('button', { type: 'submit', class: 'warning', 'data-testid': 'turn-off-submit', text: 'Turn off two-step verification' });
  const codeField = field({ name: 'code', label: '', required: true, autocomplete: 'one-time-code' });
  const input = codeField.querySelector('input');
  const codes = codeSwitch(kit, codeField, { app, recovery: codesLeft, testid: 'turn-off-toggle' });
  const toggle = codes.toggle;
  const withPasskey = state.passkeys.length && kit.passkeys.supported()
    ? el('button', { type: 'button', class: 'warning', 'data-testid': 'turn-off-passkey', text: 'Turn off with a passkey' })
    : null;
  const form = el('form', { id: 'turn-off-form', class: 'narrow-form', novalidate: true },
    field({ name: 'password', label: 'Your password', type: 'password', required: true, autocomplete: 'current-password' }),
    codeField, el('p', {}, toggle), message, el('div', { class: 'actions' }, submit, withPasskey));
  ownIds(form, 'turn-off');
  const done = async (result) => {
    if (result.ok) {
      kit.notify('Two-step verification is off. Signing in now needs only your password.');
      await redraw(root, kit);
      root.querySelector('[data-testid="two-step-status"]')?.setAttribute('tabindex', '-1');
      root.querySelector('[data-testid="two-step-status"]')?.focus();
      return;
    }
    showProblem(kit, form, message, result);
  };
  const password = () => form.elements.namedItem('password').value;
  withPasskey?.addEventListener('click', async () => {
    kit.clearFieldErrors(form);
    message.textContent = '';
    // The password first: the device's prompt is for a form that can succeed.
    if (!password()) {
      kit.showFieldErrors(form, { errors: { password: 'Enter your password.' } });
      return;
    }
    withPasskey.disabled = true;
    try {
      const options = await kit.api('POST', '/api/v1/me/two-step/passkeys/assertion-options');
      if (!options.ok) return showProblem(kit, form, message, options);
      let credential;
      try {
        credential = await kit.passkeys.use(options.data.publicKey);
      } catch (error) {
        message.textContent = kit.passkeys.failureText(error);
        return;
      }
      await done(await kit.api('POST', '/api/v1/me/two-step/turn-off',
        { body: { password: password(), method: 'passkey', credential } }));
    } finally {
      withPasskey.disabled = false;
    }
  });
  kit.onSubmit(form, message, submit, async () => {
    await done(await kit.api('POST', '/api/v1/me/two-step/turn-off', { body: {
      password: password(), method: codes.method(), code: input.value } }));
  });
  return section(kit, 'Turn off two-step verification', 'turn-off-section',
    el('p', { text: 'Your account will be protected by your password alone. We ask for your password and your ' +
      'second step first.' }),
    form);
}
