// What every credentials page shares: the sentence for a wrong password or
// answer, and how a form is submitted. (The sentence for any other failed
// call is the kit's: kit.problemSentence.)

// A 403 for a wrong current password or security answer, shown next to its
// field with the attempts left (and `consequence`, what running out does);
// true when it was one of those and the form has that field.
export function showSecretError(kit, form, result, consequence = '') {
  if (result.status !== 403) return false;
  const type = String(result.problem?.type || '');
  const field = type.endsWith(':wrong_answer') ? 'answer' : type.endsWith(':wrong_password') ? 'current_password' : null;
  if (!field || !form.elements.namedItem(field)) return false;
  const left = Number.isInteger(result.problem.attempts_left) ? result.problem.attempts_left : null;
  const what = field === 'answer' ? 'That answer is not right.' : 'That is not your current password.';
  const more = left === null ? '' : ` ${left} ${left === 1 ? 'attempt' : 'attempts'} left${consequence}.`;
  kit.showFieldErrors(form, { errors: { [field]: what + more } });
  return true;
}

// A form's submit: the last errors cleared, the button disabled while
// `run` works and enabled again after, whatever happened.
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
    }
  });
}
