// What the change pages share: the security question that gates them, the
// guidance to set one first, and the step-up (the current password, then
// the answer) before a change (POST /api/v1/me/step-up).
import { showSecretError } from './messages.js';
import { secondStepBody, secondStepField, showSecondStepError } from './second-step-field.js';

// The member's question {question_id, text}, or null when none is set.
export async function currentQuestion(kit) {
  const result = await kit.api('GET', '/api/v1/me/security-question');
  return result.ok ? result.data : null;
}

// Whether the session passed a step-up recently enough to change things.
export function privileged(kit) {
  const until = Date.parse(kit.session()?.privileged_until || '');
  return Number.isFinite(until) && until > Date.now() + 5000;
}

// No question yet: say why one is needed and lead to choosing it, then
// back to `then` (this page's id).
export function guideToQuestion(root, kit, what, then) {
  const setter = kit.entry('credentials', 'security-question');
  root.append(kit.el('div', { class: 'card', 'data-testid': 'question-guide' },
    kit.el('p', { text: `Before you can ${what}, choose a security question and set your own answer. ` +
      'We ask it, after your password, whenever something important changes.' }),
    setter ? kit.el('a', { class: 'button-link', href: `${kit.hashOf(setter)}?then=${encodeURIComponent(then)}`,
      'data-testid': 'question-guide-link', text: 'Choose a security question' }) : null));
}

// The step-up form; resolves once the member passed it (the session is
// then allowed to change email or password for a few minutes).
export function stepUp(root, kit, question) {
  return new Promise((resolve) => {
    const message = kit.el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'stepup-message' });
    const submit = kit.el('button', { type: 'submit', class: 'primary', 'data-testid': 'stepup-submit', text: 'Continue' });
    const form = kit.el('form', { id: 'stepup-form', class: 'card narrow-form', novalidate: true },
      kit.el('p', { class: 'hint', text: 'First, confirm it is you. Fields marked with a red star are required.' }),
      kit.field({ name: 'current_password', label: 'Current password', type: 'password', required: true,
        autocomplete: 'current-password' }),
      kit.el('p', { 'data-testid': 'stepup-question' }, kit.el('strong', { text: 'Security question: ' }), question.text),
      kit.field({ name: 'answer', label: 'Your answer', required: true, autocomplete: 'off' }),
      message, submit);
    root.append(form);
    form.elements.namedItem('current_password').setAttribute('data-autofocus', '');
    // Added when the daemon says the member has two-step verification on.
    let second = null;
    kit.onSubmit(form, message, submit, async () => {
      const proof = await secondStepBody(second, message);
      if (!proof) return;
      const result = await kit.api('POST', '/api/v1/me/step-up', { body: {
        current_password: form.elements.namedItem('current_password').value,
        answer: form.elements.namedItem('answer').value,
        ...proof,
      } });
      if (result.ok) {
        form.remove();
        // The window is the session's: Change Email after Change Password
        // inside it asks nothing again.
        await kit.refreshSession();
        resolve();
        return;
      }
      if (showSecretError(kit, form, result, ' before the account is locked for a while')) return;
      if (!second && String(result.problem?.type || '').endsWith(':second_step_required')) {
        second = secondStepField(kit, '/api/v1/me/two-step/passkeys/assertion-options');
        message.before(second.node);
        second.input.focus();
        return;
      }
      if (showSecondStepError(kit, form, result, second, message)) return;
      if (result.status === 422 && kit.showFieldErrors(form, result.problem)) return;
      message.textContent = kit.problemSentence(result);
    });
  });
}

// The step-up's window ended while a gated form was open (403
// step_up_required): the session is read again and the page drawn anew,
// which asks for the step-up, with a notice that says why. True when that
// was the answer.
export async function stepUpAgain(kit, result) {
  if (result.status !== 403 || !String(result.problem?.type || '').endsWith(':step_up_required')) return false;
  await kit.refreshSession();
  // A session that ended meanwhile has been sent to sign in already.
  if (!kit.session()) return true;
  kit.notify('For your security, confirm it is you again.', 'info');
  kit.go(location.hash);
  return true;
}
