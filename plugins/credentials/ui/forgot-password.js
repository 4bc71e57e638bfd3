// Forgotten password: the member's email; a reset link goes to it if it is
// a member's (the answer is the same either way: no one learns who is one).

export async function render(root, kit) {
  const { el, field, api } = kit;
  const message = el('p', { class: 'form-message', role: 'status', 'data-testid': 'forgot-message' });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-testid': 'forgot-submit', text: 'Send the link' });
  const form = el('form', { id: 'forgot-form', class: 'card narrow-form', novalidate: true },
    el('p', { class: 'hint', text: 'We will email you a link. You will need the answer to your security question too.' }),
    field({ name: 'email', label: 'Email address', type: 'email', required: true, autocomplete: 'username' }),
    message, submit);
  const signIn = kit.entry('credentials', 'sign-in');
  root.append(form, signIn ? el('p', {}, el('a', { href: kit.hashOf(signIn), text: 'Back to sign in' })) : null);
  form.elements.namedItem('email').setAttribute('data-autofocus', '');

  kit.onSubmit(form, message, submit, async () => {
    message.className = 'form-message';
    const email = form.elements.namedItem('email').value.trim();
    const result = await api('POST', '/api/v1/password-resets', { body: { email } });
    if (result.ok) {
      message.classList.add('ok');
      message.textContent = `If ${email} belongs to an account, a link to choose a new password is on its way. ` +
        'Check your inbox (and the spam folder).';
      return;
    }
    if (result.status === 422 && kit.showFieldErrors(form, result.problem)) return;
    message.classList.add('error');
    message.textContent = kit.problemSentence(result);
  });
}
