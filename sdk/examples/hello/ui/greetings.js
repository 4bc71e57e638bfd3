// hello's member page: an ES module the member shell loads from
// /account/plugins/hello/greetings.js and calls as render(root, kit) (the
// member kit: docs/web.md). Plain DOM, text only (never innerHTML), no
// build step. The greetings left lately, then the member's motto: the one
// others see, and a form to propose a new one, which waits for an admin.
export async function render(root, kit) {
  const { api, el, field, showFieldErrors, clearFieldErrors, dualTime } = kit;
  const heading = el('p');
  const list = el('ul', { class: 'hello-greetings' });
  const motto = el('section', { class: 'card', 'aria-labelledby': 'hello-motto-heading' });
  root.append(heading, list, motto);

  const hello = await api('GET', '/api/v1/hello');
  if (hello.ok) heading.textContent = `${hello.data.message} (hello ${hello.data.version})`;
  const mine = await api('GET', '/api/v1/hello/greetings');
  for (const greeting of (mine.ok && mine.data.items) || []) list.append(el('li', { text: greeting.text }));

  const status = el('p', { role: 'status', 'data-testid': 'hello-motto-status' });
  const form = el('form', { novalidate: true },
    field({ name: 'text', label: 'New motto', required: true, hint: 'An admin reads it before others see it.' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', text: 'Send for approval' })));
  motto.append(el('h2', { id: 'hello-motto-heading', text: 'Your motto' }), status, form);

  async function show() {
    const current = await api('GET', '/api/v1/hello/motto');
    if (!current.ok) { status.textContent = 'Your motto could not be loaded. Reload the page.'; return; }
    const { published, pending } = current.data;
    status.textContent = published ? `Others see: “${published}”.` : 'You have no motto yet.';
    if (pending) status.append(` Waiting for approval: “${pending.text}”, due by ${dualTime(pending.due_at)}.`);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const result = await api('PUT', '/api/v1/hello/motto', { body: { text: form.elements.text.value } });
    if (!result.ok) {
      if (!showFieldErrors(form, result.problem)) status.textContent = 'Not sent. Try again in a moment.';
      return;
    }
    form.reset();
    await show();
    status.focus();
  });
  status.setAttribute('tabindex', '-1');
  await show();
}
