// The landing page of the link sent to a new email address.

export async function render(root, kit) {
  const { el, api } = kit;
  const token = kit.params().get('token') || '';
  kit.forgetParams();
  const result = token
    ? await api('POST', `/api/v1/email-verifications/${encodeURIComponent(token)}`)
    : { ok: false, status: 404 };
  if (result.ok) {
    const email = result.data && result.data.email;
    root.append(el('p', { class: 'form-message ok', role: 'status', 'data-testid': 'verify-done',
      text: email ? `Done: ${email} is now your account's email address.` : "Done: your account's email address is changed." }));
    // Signed in here with the session that asked: the header shows the new
    // address at once. Any other session of the member has just been
    // signed out by the change; the page stays, and the header empties.
    if (kit.session()) await kit.refreshSession({ quietly: true });
    return;
  }
  root.append(el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'verify-failed',
    text: result.status === 404 || result.status === 410
      ? 'This link does not work any more: it was used already, it is too old, or a newer one was sent.'
      : kit.problemSentence(result) }));
}
