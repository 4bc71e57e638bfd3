// Join: a new member's email and password, each entered twice; signed in
// straight after.
import { onSubmit, problemSentence } from './messages.js';

export async function render(root, kit) {
  const { el, field, api } = kit;
  const message = el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'join-message' });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-testid': 'join-submit', text: 'Join' });
  const form = el('form', { id: 'join-form', class: 'card narrow-form', novalidate: true },
    el('p', { class: 'hint', text: 'Fields marked with a red star are required.' }),
    field({ name: 'email', label: 'Email address', type: 'email', required: true, autocomplete: 'email' }),
    field({ name: 'email_confirm', label: 'Email address again', type: 'email', required: true, autocomplete: 'email' }),
    field({ name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'new-password',
            hint: 'A long phrase you use nowhere else is best.' }),
    field({ name: 'password_confirm', label: 'Password again', type: 'password', required: true,
            autocomplete: 'new-password' }),
    message, submit);
  const signIn = kit.entry('credentials', 'sign-in');
  root.append(form,
    signIn ? el('p', {}, 'Already a member? ', el('a', { href: kit.hashOf(signIn), text: 'Sign in' })) : null);
  form.elements.namedItem('email').setAttribute('data-autofocus', '');

  const value = (name) => form.elements.namedItem(name).value;
  onSubmit(kit, form, message, submit, async () => {
    const body = {
      email: value('email'), email_confirm: value('email_confirm'),
      password: value('password'), password_confirm: value('password_confirm'),
    };
    const joined = await api('POST', '/api/v1/members', { body });
    if (!joined.ok) {
      if ((joined.status === 422 || joined.status === 409) && kit.showFieldErrors(form, joined.problem)) return;
      message.textContent = problemSentence(joined);
      return;
    }
    const session = await api('POST', '/api/v1/session', { body: { email: body.email, password: body.password } });
    if (!session.ok) {
      message.textContent = `Your account is ready, but signing in failed: ${problemSentence(session)}`;
      return;
    }
    kit.announce('Welcome! Your account is ready.');
    await kit.signedIn();
  });
}
