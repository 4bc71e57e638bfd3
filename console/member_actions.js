// What an admin may do to one member from the console's member page, each
// with a reason the audit log keeps (kit.reasonedAction): end every
// session, lift the sign-in lock, disable or enable the account, grant or
// remove the admin role. Plugins offer their own on their panels (linked
// from the page: credentials' password reset and security question,
// two_step's factors). Only what applies now is offered: "Enable" for a
// disabled member, "Unlock" for a locked one.

const str = (value) => (typeof value === 'string' ? value : '');

// `member`: GET /api/v1/admin/members/{id}. `changed(sentence, {signedOut})`
// redraws the page with what happened; `signedOut` when the admin acted on
// their own sessions (the console's session is gone with them).
export function memberActions(kit, member, changed) {
  const { api, el } = kit;
  const who = str(member.email) || 'this member';
  const path = `/api/v1/admin/members/${encodeURIComponent(str(member.member_id))}`;
  const roles = Array.isArray(member.roles) ? member.roles : [];
  const isAdmin = roles.includes('admin');
  const locked = member.locked_until && new Date(member.locked_until) > new Date();
  const mine = kit.session() && kit.session().member_id === member.member_id;
  const action = (spec, method, suffix, sentence, options = {}) => kit.reasonedAction({
    ...spec,
    act: (reason) => api(method, `${path}/${suffix}`, { body: { reason }, quiet: true }),
    done: () => changed(sentence, options),
  });

  const actions = [
    action({ label: 'Sign out everywhere', testid: 'member-signout-all', danger: true,
      explain: `Ends every session of ${who}: they must sign in again on each device.` },
    'DELETE', 'sessions', `${who} was signed out everywhere.`, { signedOut: mine }),
    locked ? action({ label: 'Unlock sign-in', testid: 'member-unlock',
      explain: `Lifts the lock that wrong passwords, answers or codes put on ${who}'s account, so they can try again now.` },
    'POST', 'unlock', `${who} can sign in again: the lock is lifted.`) : null,
    member.disabled_at
      ? action({ label: 'Enable account', testid: 'member-enable',
        explain: `${who} will be able to sign in again.` },
      'POST', 'enable', `${who}'s account is enabled: they can sign in again.`)
      : action({ label: 'Disable account', testid: 'member-disable', danger: true,
        explain: `${who} is signed out everywhere and cannot sign in until an admin enables the account again. ` +
          'Their data stays.' },
      'POST', 'disable', `${who}'s account is disabled and every session ended.`, { signedOut: mine }),
    isAdmin
      ? action({ label: 'Remove admin role', testid: 'member-admin-remove', danger: true,
        explain: `${who} will no longer be able to use this console. The last enabled admin cannot be removed.` },
      'DELETE', 'roles/admin', `${who} is no longer an admin.`, { signedOut: mine })
      : action({ label: 'Make admin', testid: 'member-admin-grant',
        explain: `${who} will be able to use this console and act on every member.` },
      'PUT', 'roles/admin', `${who} is now an admin.`),
    member.closes_at ? null : action({ label: 'Close account', testid: 'member-close', danger: true,
      explain: `${who} is signed out everywhere and mailed the day their account closes ` +
        '(after the grace period). Signing in before then keeps it; to keep them out meanwhile, disable it too. ' +
        'Then everything kept about them is erased.' },
    'POST', 'close', `${who}'s account is set to close; they were told by email.`, { signedOut: mine }),
  ];
  return el('section', { class: 'member-actions', 'aria-labelledby': 'member-actions-heading' },
    el('h2', { id: 'member-actions-heading', text: 'Actions' }),
    el('div', { class: 'reasoned-actions' }, ...actions.filter(Boolean)));
}
