// Email Service: the seed's three columns — each mail category with what it
// brings and a switch, saved as soon as it is flipped — and a word on the
// mail that always comes (security notices are never optional).
export async function render(root, kit) {
  const { el, api } = kit;
  const loaded = await api('GET', '/api/v1/me/email-subscriptions');
  if (!loaded.ok || !loaded.data) {
    root.append(el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'subscriptions-failed',
      text: 'Your mail choices could not be loaded. Reload the page; if it stays, try again later.' }));
    return;
  }
  root.append(el('p', { class: 'hint', text: 'Choose which mail you want from us. A change is saved at once.' }));
  const status = el('p', { class: 'form-message', role: 'status', 'data-testid': 'subscriptions-status' });
  const grid = el('div', { class: 'email-categories' });
  for (const category of loaded.data.categories || []) grid.append(card(category));
  root.append(grid, status,
    el('section', { class: 'card always-sent', 'aria-labelledby': 'always-heading' },
      el('h2', { id: 'always-heading', text: 'Always sent' }),
      el('p', { text: 'Mail about your account’s security — confirming an email address, resetting your password, ' +
        'a changed password, email address or security question, a sign-in from a new place — always comes, ' +
        'whatever you choose here.' })));

  function card(category) {
    const id = `subscription-${category.id}`;
    const toggle = el('input', { type: 'checkbox', id, role: 'switch', 'data-testid': id,
      'aria-describedby': `${id}-description` });
    toggle.checked = Boolean(category.subscribed);
    const state = el('span', { class: 'switch-state', 'aria-hidden': 'true', text: category.subscribed ? 'On' : 'Off' });
    // While saving the switch holds still but keeps the focus: a disabled
    // control would drop it to the page's start for the keyboard.
    let saving = false;
    toggle.addEventListener('click', (event) => { if (saving) event.preventDefault(); });
    toggle.addEventListener('change', async () => {
      const wanted = toggle.checked;
      saving = true;
      toggle.setAttribute('aria-disabled', 'true');
      status.className = 'form-message';
      status.textContent = 'Saving…';
      const saved = await api('PUT', '/api/v1/me/email-subscriptions', { body: { [category.id]: wanted } });
      saving = false;
      toggle.removeAttribute('aria-disabled');
      if (saved.ok) {
        const now = (saved.data.categories || []).find((c) => c.id === category.id);
        toggle.checked = now ? Boolean(now.subscribed) : wanted;
        state.textContent = toggle.checked ? 'On' : 'Off';
        status.className = 'form-message ok';
        status.textContent = toggle.checked
          ? `Saved: you will get ${category.label}.`
          : `Saved: you will no longer get ${category.label}.`;
      } else {
        toggle.checked = !wanted;
        status.className = 'form-message error';
        status.textContent = saved.status === 0
          ? 'Not saved: the connection failed. Try again.'
          : 'Not saved. Try again in a moment.';
      }
      // The status line is a live region: screen readers hear it once.
    });
    return el('section', { class: 'card email-category', 'data-testid': `category-${category.id}` },
      el('h2', { text: category.label }),
      el('p', { id: `${id}-description`, text: category.description || '' }),
      el('label', { class: 'switch', for: id }, toggle, el('span', { text: `Send me ${category.label}` }), state));
  }
}
