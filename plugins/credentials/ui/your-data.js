// Your Data and Account: download everything the service keeps about you
// (one archive), or close the account. Both behind the step-up (the
// password and the security question, and the second step where it is on):
// whoever finds a signed-in browser may neither take the data nor end the
// account. A closure waits out a grace period, shown here with "Keep my
// account" until it ends.
import { currentQuestion, guideToQuestion, privileged, stepUp, stepUpAgain } from './step-up.js';
import { emailConfirmed, guideToConfirm } from './confirmation.js';

export async function render(root, kit) {
  // A mailed link to a large archive: only its download, here, behind the
  // step-up like the ask.
  const token = kit.params().get('token') || '';
  if (token) {
    const question = await currentQuestion(kit);
    if (!question) return guideToQuestion(root, kit, 'download your data', 'your-data');
    if (!privileged(kit)) await stepUp(root, kit, question);
    const card = mailedCard(kit, token);
    root.append(card);
    card.querySelector('button').focus();
    return;
  }
  const closure = await kit.api('GET', '/api/v1/me/closure');
  if (closure.ok && closure.data?.closes_at) return root.append(closingCard(kit, closure.data.closes_at));
  if (!(await emailConfirmed(kit))) return guideToConfirm(root, kit, 'download your data or close your account');
  const question = await currentQuestion(kit);
  if (!question) return guideToQuestion(root, kit, 'download your data or close your account', 'your-data');
  if (!privileged(kit)) await stepUp(root, kit, question);
  const grace = closure.ok ? Number(closure.data?.grace_seconds) || 0 : 0;
  const download = downloadCard(kit);
  root.append(download, closeCard(root, kit, grace));
  download.querySelector('button').focus();
}

// Saves an archive the API answered with as a file, and says so in
// `outcome` with a link for a second copy. Its copy in memory (a Blob URL)
// goes when a newer one is made, or when the member leaves the page.
function archiveSaver(kit, outcome) {
  const { el } = kit;
  let saved = '';
  const forget = () => {
    if (saved) URL.revokeObjectURL(saved);
    saved = '';
  };
  window.addEventListener('hashchange', forget, { once: true });
  return (result) => {
    const name = /filename="([^"]+)"/.exec(result.headers.get('Content-Disposition') || '')?.[1] || 'memberd-data.tar';
    forget();
    saved = URL.createObjectURL(result.data);
    const link = el('a', { href: saved, download: name, 'data-testid': 'data-download-link',
      text: `Save ${name} again (${sizeText(result.data.size)})` });
    kit.showOutcome(outcome, true, `Your data is ready and is being saved as ${name}. `, link);
    link.click();  // the browser saves it; the link stays for a second copy
  };
}

// "Download my data": a small archive is made at once and saved as a file;
// a large one is mailed as a link (answered 202), which opens this page.
function downloadCard(kit) {
  const { el } = kit;
  const outcome = el('p', { class: 'form-message', tabindex: '-1', 'data-testid': 'data-download-outcome' });
  const save = archiveSaver(kit, outcome);
  const button = el('button', { type: 'button', class: 'primary', 'data-testid': 'data-download', text: 'Download my data' });
  button.addEventListener('click', async () => {
    button.disabled = true;
    outcome.className = 'form-message';
    outcome.textContent = 'Collecting your data…';
    const result = await kit.api('POST', '/api/v1/me/data-export', { blob: true, quiet: true });
    button.disabled = false;
    if (result.status === 200 && result.data instanceof Blob) return save(result);
    if (result.status === 202) {
      // Asked: another press would only mail another link (and count).
      button.disabled = true;
      const until = result.data?.expires_at || '';
      return kit.showOutcome(outcome, true, 'Your data is more than we send at once, so we emailed you a link to download it' +
        (until ? `. The link works until ${kit.dualTime(until)}, while you are signed in.` : '.'));
    }
    if (await stepUpAgain(kit, result)) return;
    kit.showOutcome(outcome, false, kit.problemSentence(result));
  });
  return el('section', { class: 'card', 'aria-labelledby': 'data-download-heading', 'data-testid': 'data-download-card' },
    el('h2', { id: 'data-download-heading', text: 'Download your data' }),
    el('p', { text: 'One file (a .tar archive) with everything we keep about you: your account and where you are ' +
      'signed in, your profile and photo, your sign-in history, your email choices and your two-step settings. ' +
      'The data is in plain text files (JSON), with your photo beside them.' }),
    el('p', { class: 'hint', text: 'You can download it a few times a day.' }),
    button, outcome);
}

// The archive behind a mailed link: fetched with its token and this
// member's session, and saved like one made at once. The token leaves the
// address bar once it has done its work (saved, or found not to work): a
// session that ends before then brings the member back here with it.
function mailedCard(kit, token) {
  const { el } = kit;
  const outcome = el('p', { class: 'form-message', tabindex: '-1', 'data-testid': 'data-download-outcome' });
  const save = archiveSaver(kit, outcome);
  const button = el('button', { type: 'button', class: 'primary', 'data-testid': 'mailed-download',
    text: 'Download my data' });
  button.addEventListener('click', async () => {
    button.disabled = true;
    const result = await kit.api('POST', '/api/v1/me/data-export/download', { body: { token }, blob: true, quiet: true });
    button.disabled = false;
    if (result.status === 401) return;  // the shell takes the member to sign-in, and back here
    if (await stepUpAgain(kit, result)) return;
    if (result.ok && result.data instanceof Blob) {
      kit.forgetParams();
      return save(result);
    }
    if (result.status !== 404) return kit.showOutcome(outcome, false, kit.problemSentence(result));
    kit.forgetParams();
    button.hidden = true;
    const again = el('button', { type: 'button', 'data-testid': 'ask-again', text: 'Ask for your data again',
      onclick: () => kit.go(location.hash.split('?')[0]) });
    kit.showOutcome(outcome, false,
      'This link no longer works: it has expired, or it was sent to another account. ');
    outcome.after(again);
  });
  return el('section', { class: 'card', 'aria-labelledby': 'mailed-heading', 'data-testid': 'mailed-card' },
    el('h2', { id: 'mailed-heading', text: 'Your data is ready' }),
    el('p', { text: 'This is the copy of your data you asked for by email: one .tar file.' }),
    button, outcome);
}

// "Close my account": asked once more, then the member is signed out.
function closeCard(root, kit, grace) {
  const { el } = kit;
  const place = el('div');
  const message = el('p', { class: 'form-message error', role: 'alert', tabindex: '-1', 'data-testid': 'close-message' });
  const button = el('button', { type: 'button', class: 'danger', 'data-testid': 'close-account', text: 'Close my account' });
  const wait = grace ? kit.periodText(grace) : 'a while';
  button.addEventListener('click', async () => {
    message.textContent = '';
    const yes = await kit.confirmStep(place, { question: `Close your account? You will be signed out now, and ` +
      `everything we keep about you is erased in ${wait}.`, yes: 'Yes, close my account', testid: 'close-confirm',
      returnFocus: button });
    if (!yes) return;
    button.disabled = true;
    const result = await kit.api('POST', '/api/v1/me/closure', { quiet: true });
    button.disabled = false;
    if (result.status === 202) {
      // Every session ended with it, this one too.
      await kit.refreshSession({ quietly: true });
      const card = closingCard(kit, result.data?.closes_at, { signedOut: true });
      root.replaceChildren(card);
      card.querySelector('h2').focus();
      return;
    }
    if (await stepUpAgain(kit, result)) return;
    message.textContent = kit.problemSentence(result);
    message.focus();
  });
  return el('section', { class: 'card', 'aria-labelledby': 'close-heading', 'data-testid': 'close-card' },
    el('h2', { id: 'close-heading', text: 'Close your account' }),
    el('p', { text: `We keep your account for ${wait} in case you change your mind: sign in before then and choose ` +
      '"Keep my account". After that, everything we keep about you is erased for good, and your email address ' +
      'can join again as a new member.' }),
    el('p', { text: 'Download your data first if you want a copy.' }),
    place, button, message);
}

// The account is set to close: when, and (while signed in) the way back.
function closingCard(kit, closesAt, { signedOut = false } = {}) {
  const { el } = kit;
  const when = kit.dualTime(String(closesAt || ''));
  const card = el('section', { class: 'card', 'aria-labelledby': 'closing-heading', 'data-testid': 'closing-card' },
    el('h2', { id: 'closing-heading', tabindex: '-1', text: 'Your account is set to close' }),
    el('p', { 'data-testid': 'closing-when', text: `It will be closed on ${when}. We sent you an email about it.` }));
  if (signedOut) {
    card.append(el('p', { text: 'You are signed out. To keep your account, sign in again before then.' }));
    return card;
  }
  const [keep, outcome] = kit.actionButton({ label: 'Keep my account', testid: 'keep-account', act: async () => {
    const result = await kit.api('DELETE', '/api/v1/me/closure', { quiet: true });
    if (!result.ok && result.status !== 404) return { ok: false, text: kit.problemSentence(result) };
    // Kept (or kept already, elsewhere): the page as it is for an open
    // account, the banner gone, and the outcome said above it.
    kit.notify('Your account stays open. We sent you an email to confirm.');
    await kit.closureChanged?.();
    kit.go(location.hash);
    return { ok: true, text: 'Your account stays open.' };
  } });
  card.append(keep, outcome);
  return card;
}

function sizeText(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
