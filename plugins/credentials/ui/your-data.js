// Your Data and Account: download everything the service keeps about you
// (one archive), or close the account. Both behind the step-up (the
// password and the security question, and the second step where it is on):
// whoever finds a signed-in browser may neither take the data nor end the
// account. A closure waits out a grace period, shown here with "Keep my
// account" until it ends.
import { currentQuestion, guideToQuestion, privileged, stepUp, stepUpAgain } from './step-up.js';
import { emailConfirmed, guideToConfirm } from './confirmation.js';

export async function render(root, kit) {
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

// "Download my data": the archive is made at once and saved as a file.
// Its copy in memory (a Blob URL) goes when a newer one is made, or when
// the member leaves the page.
function downloadCard(kit) {
  const { el } = kit;
  let saved = '';
  const forget = () => {
    if (saved) URL.revokeObjectURL(saved);
    saved = '';
  };
  window.addEventListener('hashchange', forget, { once: true });
  const outcome = el('p', { class: 'form-message', tabindex: '-1', 'data-testid': 'data-download-outcome' });
  const button = el('button', { type: 'button', class: 'primary', 'data-testid': 'data-download', text: 'Download my data' });
  button.addEventListener('click', async () => {
    button.disabled = true;
    outcome.className = 'form-message';
    outcome.textContent = 'Collecting your data…';
    const result = await kit.api('POST', '/api/v1/me/data-export', { blob: true, quiet: true });
    button.disabled = false;
    if (result.ok && result.data instanceof Blob) {
      const name = /filename="([^"]+)"/.exec(result.headers.get('Content-Disposition') || '')?.[1] || 'memberd-data.tar';
      forget();
      saved = URL.createObjectURL(result.data);
      const link = el('a', { href: saved, download: name, 'data-testid': 'data-download-link',
        text: `Save ${name} again (${sizeText(result.data.size)})` });
      outcome.className = 'form-message ok';
      outcome.setAttribute('role', 'status');
      outcome.replaceChildren(`Your data is ready and is being saved as ${name}. `, link);
      link.click();  // the browser saves it; the link stays for a second copy
      outcome.focus();
      return;
    }
    if (await stepUpAgain(kit, result)) return;
    outcome.className = 'form-message error';
    outcome.setAttribute('role', 'alert');
    outcome.textContent = kit.problemSentence(result);
    outcome.focus();
  });
  return el('section', { class: 'card', 'aria-labelledby': 'data-download-heading', 'data-testid': 'data-download-card' },
    el('h2', { id: 'data-download-heading', text: 'Download your data' }),
    el('p', { text: 'One file (a .tar archive) with everything we keep about you: your account and where you are ' +
      'signed in, your profile and photo, your sign-in history, your email choices and your two-step settings. ' +
      'The data is in plain text files (JSON), with your photo beside them.' }),
    el('p', { class: 'hint', text: 'You can download it a few times a day.' }),
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
