// What every credentials page shares: the sentence for a wrong password or
// answer. (The sentence for any other failed call, and the submit, are the
// kit's: kit.problemSentence, kit.onSubmit.)

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

