// The console's "Two-step": one member's factors (kind, name, added, last
// used; never a secret) and what admins did, and removing every factor once
// the member proved who they are some other way, with a reason that is kept.
// The console's member page links here with the member preselected.

export const memberLink = 'Two-step verification of this member';

export async function render(root, kit) {
  const { el, api } = kit;
  const params = kit.params ? kit.params() : new URLSearchParams();
  const memberId = params.get('member_id') || '';
  if (!memberId) {
    root.append(el('p', { class: 'card', text: 'Open a member from Members, then "' + memberLink + '".' }));
    return;
  }
  // The panel says its own failures (quiet: not the console's banner too).
  const result = await api('GET', `/api/v1/admin/members/${encodeURIComponent(memberId)}/two-step`, { quiet: true });
  if (!result.ok) {
    root.append(el('p', { class: 'form-message error', role: 'alert', text: kit.problemSentence(result) }));
    return;
  }
  draw(root, kit, result.data);
}

const KINDS = { app: 'Authenticator app', passkey: 'Passkey', recovery_codes: 'Recovery codes' };

function draw(root, kit, data) {
  const { el } = kit;
  // (replaceChildren() writes a null as the text "null": only what is there.)
  root.replaceChildren(...[
    el('h2', { tabindex: '-1', 'data-testid': 'two-step-admin-member', text: data.email }),
    el('p', { 'data-testid': 'two-step-admin-state' }, el('strong', {
      text: data.enabled ? 'Two-step verification is on.' : 'Two-step verification is off.' })),
    data.factors.length ? kit.table(['Kind', 'Name', 'Added', 'Last used'], data.factors.map((f) => el('tr', { 'data-testid': 'two-step-factor' },
      el('td', { text: KINDS[f.kind] || f.kind }), el('td', { text: f.name }),
      el('td', {}, kit.timeEl(f.added_at)), el('td', {}, kit.timeEl(f.last_used_at)))), {}, 'Factors') : null,
    data.enabled ? removal(root, kit, data) : null,
    el('h2', { text: 'What admins did' }),
    data.actions.length ? kit.table(['When', 'By', 'What', 'Reason'], data.actions.map((a) => el('tr', { 'data-testid': 'two-step-action' },
      el('td', {}, kit.timeEl(a.at)), el('td', { text: a.by }),
      el('td', { text: a.action === 'removed_factors' ? 'Removed every factor' : a.action }), el('td', { text: a.reason }))), {}, 'Admin actions')
      : el('p', { class: 'muted', text: 'Nothing yet.' })].filter(Boolean));
}

function removal(root, kit, data) {
  const { el, field } = kit;
  const message = el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'two-step-remove-message' });
  const place = el('div');
  const submit = el('button', { type: 'submit', class: 'warning', 'data-testid': 'two-step-remove', text: 'Remove every factor' });
  const form = el('form', { class: 'card narrow-form', novalidate: true, 'data-testid': 'two-step-remove-form' },
    el('p', { text: 'Only when the member lost their phone and their recovery codes, and proved who they are some ' +
      'other way. They can then sign in with their password alone; we tell them by email.' }),
    field({ name: 'reason', label: 'How the member proved who they are', required: true,
      hint: 'Kept with this action, for every admin to see.' }),
    message, place, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    kit.clearFieldErrors(form);
    message.textContent = '';
    const yes = await kit.confirmStep(place, { question: `Remove every second step of ${data.email}?`,
      yes: 'Remove them', testid: 'two-step-remove-confirm', returnFocus: submit });
    if (!yes) return;
    const result = await kit.api('POST', `/api/v1/admin/members/${encodeURIComponent(data.member_id)}/two-step/removal`,
      { body: { reason: form.elements.namedItem('reason').value }, quiet: true });
    if (result.ok) {
      kit.notify(`Two-step verification of ${data.email} is removed; they were told by email.`);
      draw(root, kit, result.data);
      root.querySelector('[data-testid=two-step-admin-state]').setAttribute('tabindex', '-1');
      root.querySelector('[data-testid=two-step-admin-state]').focus();
      return;
    }
    if (result.status === 422 && kit.showFieldErrors(form, result.problem)) return;
    message.textContent = kit.problemSentence(result);
  });
  return form;
}
