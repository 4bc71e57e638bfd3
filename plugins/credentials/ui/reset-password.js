// The landing page of a reset link: the security question, then the new
// password twice.
import { showSecretError } from './messages.js';
import { secondStepBody, secondStepField, showSecondStepError } from './second-step-field.js';

export async function render(root, kit) {
  const { el, field, api } = kit;
  const token = kit.params().get('token') || '';
  kit.forgetParams();  // the token stays in this page's memory, not in history
  const forgot = kit.entry('credentials', 'forgot-password');
  const signIn = kit.entry('credentials', 'sign-in');
  // (replaceChildren() writes a null as the text "null": only what is there.)
  const deadLink = (text) => root.replaceChildren(...[
    el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'reset-dead', text }),
    forgot ? el('p', {}, el('a', { href: kit.hashOf(forgot), text: 'Ask for a new link' })) : null].filter(Boolean));

  const path = `/api/v1/password-resets/${encodeURIComponent(token)}`;
  const link = token ? await api('GET', path) : { ok: false, status: 404 };
  if (!link.ok) {
    return deadLink(link.status === 410 || link.status === 404
      ? 'This link does not work any more: it was used already, or it is too old.'
      : kit.problemSentence(link));
  }
  const question = link.data && link.data.question_text;
  // Two-step verification on: the link and the answer are not enough.
  const second = link.data && link.data.second_step_required
    ? secondStepField(kit, '/api/v1/two-step/passkey-proof-options') : null;
  const message = el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'reset-message' });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-testid': 'reset-submit', text: 'Change my password' });
  const form = el('form', { id: 'reset-form', class: 'card narrow-form', novalidate: true },
    el('p', { class: 'hint', text: 'Fields marked with a red star are required.' }),
    question ? el('p', { 'data-testid': 'reset-question' }, el('strong', { text: 'Your security question: ' }), question) : null,
    question ? field({ name: 'answer', label: 'Your answer', required: true, autocomplete: 'off' }) : null,
    second ? second.node : null,
    field({ name: 'new_password', label: 'New password', type: 'password', required: true, autocomplete: 'new-password',
            hint: 'A long phrase you use nowhere else is best.' }),
    field({ name: 'new_password_confirm', label: 'New password again', type: 'password', required: true,
            autocomplete: 'new-password' }),
    message, submit);
  root.append(form);
  form.querySelector('input').setAttribute('data-autofocus', '');

  const value = (name) => form.elements.namedItem(name)?.value ?? '';
  kit.onSubmit(form, message, submit, async () => {
    const proof = await secondStepBody(second, message);
    if (!proof) return;
    const result = await api('POST', path, {
      body: { answer: value('answer'), new_password: value('new_password'), new_password_confirm: value('new_password_confirm'),
        ...proof },
    });
    if (result.ok) {
      root.replaceChildren(...[
        el('p', { class: 'form-message ok', role: 'status', 'data-testid': 'reset-done',
          text: 'Your password is changed, and you are signed out everywhere. Sign in with the new one.' }),
        signIn ? el('p', {}, el('a', { href: kit.hashOf(signIn), text: 'Sign in' })) : null].filter(Boolean));
      return;
    }
    // Running out of answers ends every reset link.
    if (showSecretError(kit, form, result, ' before this link stops working')) return;
    if (showSecondStepError(kit, form, result, second, message)) return;
    if (result.status === 410) return deadLink('This link does not work any more: it was used already, or it is too old.');
    // Out of guesses (answers or codes): every link died with it.
    if (result.status === 429 && String(result.problem?.type || '').endsWith(':locked')) return deadLink(kit.problemSentence(result));
    if (result.status === 422 && kit.showFieldErrors(form, result.problem)) return;
    message.textContent = kit.problemSentence(result);
  });
}
