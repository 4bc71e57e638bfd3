// The console's "Sign-in and recovery" of one member: whether they
// confirmed their address, their security question (never its answer), an
// email change waiting for its link; and what an admin may do when the
// member asks support: send them a password reset, or remove a security
// question they lost (only for a confirmed address: its owner proved it).
// Each action says why (kit.reasonedAction); the audit log keeps it.

export const memberLink = 'Sign-in and recovery of this member';

export async function render(root, kit) {
  const memberId = (kit.params ? kit.params() : new URLSearchParams()).get('member_id') || '';
  if (!memberId) {
    root.append(kit.el('p', { class: 'card', text: `Open a member from Members, then "${memberLink}".` }));
    return;
  }
  await load(root, kit, memberId);
}

async function load(root, kit, memberId, sentence) {
  const { el, api } = kit;
  const path = `/api/v1/admin/members/${encodeURIComponent(memberId)}`;
  const [member, standing] = await Promise.all([api('GET', path, { quiet: true }),
    api('GET', `${path}/credentials`, { quiet: true })]);
  if (!member.ok || !standing.ok) {
    root.replaceChildren(el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'credentials-admin-failed',
      text: kit.problemSentence(member.ok ? standing : member) }));
    return;
  }
  const email = String(member.data.email || '');
  const data = standing.data;
  const again = (text) => load(root, kit, memberId, text).then(() => text);
  const notice = el('p', { class: 'outcome ok', role: 'status', tabindex: '-1', 'data-testid': 'credentials-admin-notice',
    text: sentence || '' });
  const question = data.security_question;
  const change = data.pending_email_change;
  // (replaceChildren() writes a null as the text "null": only what is there.)
  root.replaceChildren(...[
    el('a', { href: `#/members/${encodeURIComponent(memberId)}`, class: 'back', text: `← ${email}` }),
    el('h2', { 'data-testid': 'credentials-admin-member', text: email }),
    notice,
    el('dl', { class: 'facts' },
      el('dt', { text: 'Email address' }), el('dd', { 'data-testid': 'credentials-admin-confirmed',
        text: data.email_confirmed ? 'Confirmed' : 'Not confirmed yet' }),
      el('dt', { text: 'Security question' }), el('dd', { 'data-testid': 'credentials-admin-question',
        text: question ? String(question.text) : 'None set' }),
      el('dt', { text: 'Email change' }), el('dd', {}, change
        ? el('span', {}, `Waiting for ${change.new_email} to be confirmed, until `, kit.timeEl(change.expires_at))
        : 'None waiting')),
    el('h2', { text: 'Actions' }),
    el('div', { class: 'reasoned-actions' }, ...[kit.reasonedAction({
      label: 'Send a password reset', testid: 'credentials-admin-reset',
      explain: `Mails ${email} a link to choose a new password, as "Forgotten password" would.`,
      act: (reason) => api('POST', `${path}/password-reset`, { body: { reason }, quiet: true }),
      done: () => again(`A password reset link is on its way to ${email}.`),
    }),
    question ? kit.reasonedAction({
      label: 'Remove the security question', testid: 'credentials-admin-question-clear', danger: true,
      explain: `Only when ${email}'s owner lost the answer and proved to you that the address is theirs. They are ` +
        'told by email, with a link to choose a new question.',
      act: (reason) => api('DELETE', `${path}/security-question`, { body: { reason }, quiet: true }),
      done: () => again(`The security question of ${email} is removed; they were told by email.`),
    }) : null].filter(Boolean))].filter(Boolean));
  if (sentence) notice.focus();
}
