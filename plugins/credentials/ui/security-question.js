// Set a Security Question: one question from the drop-down and a personal
// answer. Setting the first one needs the current password and counts as
// the step-up; replacing one needs the step-up first and nothing more.
// Reached from a change page, it goes back there once the question is set
// (?then=<page id>), where the member is not asked for the password again.
// An address not confirmed yet comes first: the page says so and offers a
// new link.
import { showSecretError } from './messages.js';
import { currentQuestion, privileged, stepUp, stepUpAgain } from './step-up.js';
import { emailConfirmed, guideToConfirm } from './confirmation.js';

export async function render(root, kit) {
  const { el, field, api } = kit;
  const then = kit.params().get('then');
  const catalogue = await api('GET', '/api/v1/security-questions');
  const questions = catalogue.ok && Array.isArray(catalogue.data) ? catalogue.data : [];
  const existing = await currentQuestion(kit);
  // A question needs a confirmed address (the API refuses it before).
  if (!existing && !(await emailConfirmed(kit))) return guideToConfirm(root, kit, 'set a security question');
  if (existing) {
    root.append(el('p', { 'data-testid': 'question-current' }, el('strong', { text: 'Your security question: ' }),
      existing.text));
    if (!privileged(kit)) await stepUp(root, kit, existing);
  } else if (then) {
    root.append(el('p', { class: 'hint', 'data-testid': 'question-why',
      text: 'Choose a question and set your own answer; then you can go on with what you were doing.' }));
  }

  const message = el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'question-message' });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-testid': 'question-submit',
    text: existing ? 'Replace my question' : 'Save my question' });
  const select = el('select', { id: 'field-question_id', name: 'question_id', required: true,
    'aria-describedby': 'field-question_id-error' },
    el('option', { value: '', text: 'Choose a question…' }),
    questions.map((q) => el('option', { value: q.id, text: q.text })));
  const form = el('form', { id: 'question-form', class: 'card narrow-form', novalidate: true },
    el('p', { class: 'hint', text: 'Fields marked with a red star are required.' }),
    el('div', { class: 'field' },
      el('label', { for: 'field-question_id', class: 'required', text: 'Security question' }),
      select,
      el('p', { class: 'field-error', id: 'field-question_id-error', 'data-error-for': 'question_id',
        'data-testid': 'question_id-error' })),
    field({ name: 'answer', label: 'Your answer', required: true, autocomplete: 'off',
      hint: 'Something only you know and will remember as you typed it; capitals and spaces do not matter.' }),
    // Asked once per step-up window: not again right after the step-up.
    privileged(kit) ? null : field({ name: 'current_password', label: 'Current password', type: 'password',
      required: true, autocomplete: 'current-password' }),
    message, submit);
  root.append(form);
  select.setAttribute('data-autofocus', '');
  select.focus();

  kit.onSubmit(form, message, submit, async () => {
    const password = form.elements.namedItem('current_password');
    const result = await api('PUT', '/api/v1/me/security-question', { body: {
      question_id: select.value,
      answer: form.elements.namedItem('answer').value,
      ...(password ? { current_password: password.value } : {}),
    } });
    if (result.ok) {
      // A first question is the step-up too (200, a renewed session).
      if (result.status === 200) await kit.refreshSession();
      const next = then && kit.entry('credentials', then);
      if (next) {
        kit.notify('Your security question is set.');
        return kit.go(kit.hashOf(next));
      }
      kit.announce('Your security question is set.');
      root.replaceChildren(el('p', { class: 'form-message ok', role: 'status', 'data-testid': 'question-done',
        text: 'Your security question is set. We will ask it before important changes.' }));
      return;
    }
    if (showSecretError(kit, form, result, ' before the account is locked for a while')) return;
    if (await stepUpAgain(kit, result)) return;
    if (result.status === 422 && kit.showFieldErrors(form, result.problem)) return;
    message.textContent = kit.problemSentence(result);
  });
}
