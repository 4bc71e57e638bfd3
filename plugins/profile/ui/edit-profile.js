// Edit Member Profile: the form built from the profile's schema (a red star
// on required fields), the member's values, the server's words next to each
// field, and — after Submit — "Pending review, due by …" with the pending
// values beside the published ones, and the last decision with its reason.
import { countryName } from './values.js';

export async function render(root, kit) {
  const { el, api } = kit;
  const [schema, mine] = await Promise.all([api('GET', '/api/v1/profile/schema'), api('GET', '/api/v1/me/profile')]);
  if (!schema.ok || !mine.ok) {
    root.append(el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'profile-failed',
      text: 'Your profile could not be loaded. Reload the page; if it stays, try again later.' }));
    return;
  }
  const fields = schema.data.fields || [];
  const state = mine.data;
  const summary = el('div', { 'data-testid': 'profile-state' });
  root.append(summary);
  showState();

  const message = el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'profile-message' });
  const submit = el('button', { type: 'submit', class: 'primary', 'data-testid': 'profile-submit', text: 'Submit' });
  const form = el('form', { id: 'profile-form', class: 'card profile-form', novalidate: true },
    el('p', { class: 'hint', text: 'Make your changes and complete all the required information (any field with a red ' +
      'star * is required), then click Submit. Your member profile is published once an admin approves it, ' +
      `within ${kit.periodText(schema.data.review_window_seconds)}.` }),
    ...fields.map(control), message, submit);
  root.append(form);
  const values = (state.pending && state.pending.fields) || state.published || {};
  for (const f of fields) {
    const input = form.elements.namedItem(f.name);
    if (input && values[f.name] !== undefined) input.value = values[f.name];
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    kit.clearFieldErrors(form);
    message.textContent = '';
    const body = {};
    for (const f of fields) {
      const value = form.elements.namedItem(f.name).value.trim();
      if (value !== '') body[f.name] = value;
    }
    submit.disabled = true;
    const result = await api('PUT', '/api/v1/me/profile', { body: { fields: body } });
    submit.disabled = false;
    if (result.ok) {
      const fresh = await api('GET', '/api/v1/me/profile');
      if (fresh.ok) Object.assign(state, fresh.data);
      showState();
      // Focus on what the submit did (shown, and read out once focused),
      // not lost with the button that was busy.
      const pending = summary.querySelector('[data-testid=profile-pending]');
      if (pending) pending.focus();
      return;
    }
    if (result.status === 422 && kit.showFieldErrors(form, result.problem)) {
      message.textContent = 'Some fields need attention: see the messages next to them.';
      return;
    }
    message.textContent = result.status === 0 ? 'Not sent: the connection failed. Try again.'
      : (result.problem && result.problem.detail) || 'Not sent. Try again in a moment.';
  });

  // One labelled control per schema field, with its hint and error slot.
  function control(f) {
    const id = `field-${f.name}`;
    const props = { id, name: f.name, required: f.required, 'aria-describedby': `${id}-error` };
    let input;
    if (f.type === 'textarea') {
      input = el('textarea', { ...props, rows: 4, maxlength: f.max_length });
    } else if (f.type === 'select' || f.type === 'country') {
      const options = f.type === 'country'
        ? (f.options || []).map((code) => [code, countryName(code)]).sort((a, b) => a[1].localeCompare(b[1]))
        : (f.options || []).map((o) => [o, o]);
      input = el('select', props, el('option', { value: '', text: 'Choose…' }),
        ...options.map(([value, text]) => el('option', { value, text })));
    } else if (f.type === 'time_zone') {
      const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
      input = el('select', props, el('option', { value: '', text: 'Choose…' }),
        ...zones.map((zone) => el('option', { value: zone, text: zone.replaceAll('_', ' ') })));
    } else {
      const type = { email: 'email', phone: 'tel', url: 'url' }[f.type] || 'text';
      input = el('input', { ...props, type, maxlength: f.max_length,
        autocomplete: { email: 'email', phone: 'tel', url: 'url' }[f.type] });
    }
    const hint = { phone: 'As dialled in your country, or with the country code: +86 10 1234 5678.',
      url: 'Starting with https:// or http://.' }[f.type];
    if (hint) input.setAttribute('aria-describedby', `${id}-hint ${id}-error`);
    return el('div', { class: 'field' },
      el('label', { for: id, class: f.required ? 'required' : null, text: f.label }),
      hint ? el('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null,
      input,
      el('p', { class: 'field-error', id: `${id}-error`, 'data-error-for': f.name, 'data-testid': `${f.name}-error` }));
  }

  // What is published, what waits for review and the last decision.
  function showState() {
    const parts = [];
    if (state.pending) {
      parts.push(el('p', { class: 'form-message ok', role: 'status', tabindex: '-1', 'data-testid': 'profile-pending',
        text: `Pending review, due by ${kit.dualTime(state.pending.due_at)}. Until an admin approves it, others see ` +
          (state.published ? 'your published profile.' : 'no profile.') }));
      parts.push(comparison(state.pending.fields || {}, state.published || {}));
    } else if (state.published) {
      parts.push(el('p', { class: 'hint', 'data-testid': 'profile-published', text: 'Your profile is published.' }));
    }
    const last = state.last_decision;
    if (last && last.status === 'rejected')
      parts.push(el('p', { class: 'form-message error', 'data-testid': 'profile-rejected',
        text: `Your last changes were not published: ${last.reason}` }));
    summary.replaceChildren(...parts);
  }

  function shown(f, value) {
    if (value === undefined || value === '') return '—';
    return f.type === 'country' ? countryName(value) : String(value);
  }

  function comparison(pending, published) {
    const rows = fields.filter((f) => (pending[f.name] || '') !== (published[f.name] || ''));
    if (rows.length === 0) return el('p', { class: 'hint', text: 'No field differs from your published profile.' });
    return el('table', { class: 'profile-diff', 'data-testid': 'profile-diff' },
      el('caption', { text: 'What changes when it is approved' }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Field' }), el('th', { scope: 'col', text: 'Published' }),
        el('th', { scope: 'col', text: 'Pending' }))),
      el('tbody', {}, ...rows.map((f) => el('tr', {}, el('th', { scope: 'row', text: f.label }),
        el('td', { text: shown(f, published[f.name]) }), el('td', { text: shown(f, pending[f.name]) })))));
  }
}
