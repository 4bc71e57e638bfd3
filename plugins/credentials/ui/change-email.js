// Change Email Address: the security question (after the current
// password), then the new address twice; it takes effect once the link
// mailed to it is opened. A change waiting for its link is shown above,
// with the link sent again or the change cancelled (no step-up for those:
// they act only on what the step-up already allowed).
import { currentQuestion, guideToQuestion, privileged, stepUp, stepUpAgain } from './step-up.js';
import { emailConfirmed, guideToConfirm } from './confirmation.js';
import { pendingChange } from './pending-email.js';

export async function render(root, kit) {
  const { el, field, api } = kit;
  if (!(await emailConfirmed(kit))) return guideToConfirm(root, kit, 'change your email address');
  const question = await currentQuestion(kit);
  if (!question) return guideToQuestion(root, kit, 'change your email address', 'change-email');
  // The address as it is now: a link opened in another tab may have changed it.
  await kit.refreshSession();
  root.append(el('p', { 'data-testid': 'email-current' }, el('strong', { text: 'Your email address: ' }),
    String(kit.session()?.email || '')));
  const waiting = await pendingChange(kit);
  root.append(waiting.card);
  if (!privileged(kit)) await stepUp(root, kit, question);

  const message = el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'email-message' });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-testid': 'email-submit', text: 'Change my email address' });
  const form = el('form', { id: 'email-form', class: 'card narrow-form', novalidate: true },
    el('p', { class: 'hint', text: 'Fields marked with a red star are required.' }),
    field({ name: 'new_email', label: 'New email address', type: 'email', required: true, autocomplete: 'email' }),
    field({ name: 'new_email_confirm', label: 'New email address again', type: 'email', required: true,
      autocomplete: 'email' }),
    message, submit);
  root.append(form);
  form.elements.namedItem('new_email').focus();

  kit.onSubmit(form, message, submit, async () => {
    const result = await api('PUT', '/api/v1/me/email', { body: {
      new_email: form.elements.namedItem('new_email').value,
      new_email_confirm: form.elements.namedItem('new_email_confirm').value,
    } });
    if (result.status === 202) {
      // The waiting change's card says it, where it will stay.
      form.remove();
      await waiting.redraw();
      waiting.say(true, `We sent a link to ${result.data?.pending_email || 'your new address'}. Open it to make it ` +
        "your account's email address; until then your current address stays.");
      return;
    }
    if (result.ok) {
      const done = el('p', { class: 'form-message ok', role: 'status', 'data-testid': 'email-done', tabindex: '-1',
        text: `Your email address is now ${result.data?.email || 'changed'}.` });
      form.replaceWith(done);
      await kit.refreshSession();
      done.focus();
      return;
    }
    if ((result.status === 422 || result.status === 409) && kit.showFieldErrors(form, result.problem)) return;
    if (await stepUpAgain(kit, result)) return;
    message.textContent = kit.problemSentence(result);
  });
}
