// Change Password: the security question (after the current password),
// then the new password twice. Without a question the member is guided to
// set one first and comes back here.
import { currentQuestion, guideToQuestion, privileged, stepUp, stepUpAgain } from './step-up.js';

export async function render(root, kit) {
  const { el, field, api } = kit;
  const question = await currentQuestion(kit);
  if (!question) return guideToQuestion(root, kit, 'change your password', 'change-password');
  if (!privileged(kit)) await stepUp(root, kit, question);

  const message = el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'password-message' });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-testid': 'password-submit', text: 'Change my password' });
  const form = el('form', { id: 'password-form', class: 'card narrow-form', novalidate: true },
    el('p', { class: 'hint', text: 'Fields marked with a red star are required.' }),
    field({ name: 'new_password', label: 'New password', type: 'password', required: true, autocomplete: 'new-password',
      hint: 'A long phrase you use nowhere else is best.' }),
    field({ name: 'new_password_confirm', label: 'New password again', type: 'password', required: true,
      autocomplete: 'new-password' }),
    message, submit);
  root.append(form);
  form.elements.namedItem('new_password').focus();

  kit.onSubmit(form, message, submit, async () => {
    const result = await api('PUT', '/api/v1/me/password', { body: {
      new_password: form.elements.namedItem('new_password').value,
      new_password_confirm: form.elements.namedItem('new_password_confirm').value,
    } });
    if (result.ok) {
      root.replaceChildren(el('p', { class: 'form-message ok', role: 'status', 'data-testid': 'password-done',
        text: 'Your password is changed. Your other devices are signed out; we told you by email.' }));
      kit.announce('Your password is changed.');
      return;
    }
    if (result.status === 422 && kit.showFieldErrors(form, result.problem)) return;
    if (await stepUpAgain(kit, result)) return;
    message.textContent = kit.problemSentence(result);
  });
}
