// Join: a new member's email and password, each entered twice; signed in
// straight after, then told to check their mail: the welcome mail's link
// confirms the address.

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
  kit.onSubmit(form, message, submit, async () => {
    const body = {
      email: value('email'), email_confirm: value('email_confirm'),
      password: value('password'), password_confirm: value('password_confirm'),
    };
    const joined = await api('POST', '/api/v1/members', { body });
    if (!joined.ok) {
      if ((joined.status === 422 || joined.status === 409) && kit.showFieldErrors(form, joined.problem)) return;
      message.textContent = kit.problemSentence(joined);
      return;
    }
    const session = await api('POST', '/api/v1/session', { body: { email: body.email, password: body.password } });
    if (!session.ok) {
      message.textContent = `Your account is ready, but signing in failed: ${kit.problemSentence(session)}`;
      return;
    }
    checkYourEmail(root, kit, body.email);
  });
}

// The "check your email" panel in place of the form: focused, so the
// keyboard and the screen reader start there; the member goes on when
// they choose to.
function checkYourEmail(root, kit, email) {
  const { el } = kit;
  const heading = el('h2', { tabindex: '-1', 'data-testid': 'join-check-email', text: 'Check your email' });
  const go = el('button', { type: 'button', class: 'primary', 'data-testid': 'join-continue',
    text: 'Continue to your account' });
  go.addEventListener('click', () => kit.signedIn());
  root.replaceChildren(el('div', { class: 'card narrow-form', 'data-testid': 'join-done' },
    heading,
    el('p', {}, 'Your account is ready. We sent a link to ', el('strong', { text: email }),
      '. Open it to confirm that the address is yours.'),
    el('p', { text: 'Until you do, you cannot set a security question or change your email address. ' +
      'No email after a few minutes? Check your spam folder, or have a new link sent from Account Settings.' }),
    go));
  heading.focus();
  kit.announce('Your account is ready. Check your email to confirm your address.');
}
