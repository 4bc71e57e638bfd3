// Upload My Photo: the limits stated before anything is sent, a preview of
// the chosen file, the upload with its progress, the server's refusal in
// words next to the file field, and the published photo beside the one
// waiting for review (with the last rejection's reason), and removal.
function megabytes(bytes) {
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) || mb >= 10 ? Math.round(mb) : mb.toFixed(1)} MB`;
}

// The CSRF token a cookie session sends on writes (as kit.js does): over
// HTTPS the cookie is __Host-memberd_csrf.
function csrfToken() {
  const cookies = document.cookie.split('; ');
  for (const name of ['__Host-memberd_csrf=', 'memberd_csrf=']) {
    const found = cookies.find((c) => c.startsWith(name));
    if (found) return decodeURIComponent(found.slice(name.length));
  }
  return '';
}

// What the member reads for each refusal (problem type -> words).
function refusalText(status, problem, limits) {
  const slug = String((problem && problem.type) || '').split(':').pop();
  if (status === 413 || slug === 'too_large') return `This file is larger than ${megabytes(limits.max_bytes)}. Choose a smaller picture.`;
  if (status === 415) return 'This file is not a picture we accept. Choose a JPEG, PNG, WebP or GIF.';
  if (slug === 'too_many_pixels')
    return `This picture has too many pixels (at most ${Math.floor(limits.max_pixels / 1e6)} megapixels). Choose a smaller one.`;
  if (slug === 'undecodable') return 'This picture could not be read; it may be damaged. Choose another one.';
  if (slug === 'too_slow') return 'This picture took too long to process. Choose a smaller one.';
  if (status === 503) return 'We are busy processing photos. Try again in a minute.';
  if (status === 0) return 'Not sent: the connection failed. Try again.';
  const field = problem && problem.errors && problem.errors.photo;
  return field || (problem && problem.detail) || 'Not sent. Try again in a moment.';
}

// PUT the file as multipart field `photo`, reporting progress (fetch cannot).
function send(file, onProgress) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', '/api/v1/me/photo');
    xhr.setRequestHeader('Accept', 'application/json');
    const token = csrfToken();
    if (token) xhr.setRequestHeader('X-CSRF-Token', token);
    xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); });
    xhr.addEventListener('load', () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      const ok = xhr.status >= 200 && xhr.status < 300;
      resolve({ ok, status: xhr.status, data, problem: ok ? null : data || {} });
    });
    xhr.addEventListener('error', () => resolve({ ok: false, status: 0, data: null, problem: {} }));
    const form = new FormData();
    form.append('photo', file);
    xhr.send(form);
  });
}

export async function render(root, kit) {
  const { el, api } = kit;
  const first = await api('GET', '/api/v1/me/photo');
  if (!first.ok) {
    root.append(el('p', { class: 'form-message error', role: 'alert', 'data-testid': 'photo-failed',
      text: 'Your photo could not be loaded. Reload the page; if it stays, try again later.' }));
    return;
  }
  let state = first.data;
  const limits = state.limits;
  const current = el('div', { class: 'photo-current', 'data-testid': 'photo-state' });

  const input = el('input', { id: 'field-photo', name: 'photo', type: 'file', accept: 'image/jpeg,image/png,image/webp,image/gif',
    'aria-describedby': 'photo-limits field-photo-error', 'data-testid': 'photo-input' });
  const preview = el('img', { class: 'photo-preview', alt: 'The picture you chose', width: 200, height: 200, hidden: true,
    'data-testid': 'photo-preview' });
  const error = el('p', { class: 'field-error', id: 'field-photo-error', 'data-error-for': 'photo', role: 'alert',
    'data-testid': 'photo-error' });
  const progress = el('progress', { max: 100, value: 0, hidden: true, 'aria-label': 'Upload progress',
    'data-testid': 'photo-progress' });
  const upload = el('button', { type: 'submit', class: 'primary', 'data-testid': 'photo-upload', text: 'Upload' });
  const approval = state.requires_approval
    ? ` It is shown once an admin approves it, within ${kit.periodText(state.review_window_seconds)}.` : '';
  const form = el('form', { class: 'card photo-form', novalidate: true },
    el('p', { class: 'hint', id: 'photo-limits', 'data-testid': 'photo-limits',
      text: `A JPEG, PNG, WebP or GIF of at most ${megabytes(limits.max_bytes)} and ` +
        `${Math.floor(limits.max_pixels / 1e6)} megapixels. Your photo is cropped to a square from its centre, and ` +
        `anything stored in the file besides the picture (such as where it was taken) is removed.${approval}` }),
    el('div', { class: 'field' }, el('label', { for: 'field-photo', text: 'Choose a picture' }), input, error),
    preview, progress, upload);
  root.append(current, form);
  showState();

  input.addEventListener('change', () => {
    kit.clearFieldErrors(form);
    preview.hidden = true;
    const file = input.files && input.files[0];
    if (!file) return;
    if (file.size > limits.max_bytes) {
      showError(`This file is larger than ${megabytes(limits.max_bytes)}. Choose a smaller picture.`);
      return;
    }
    // Only a picture the browser can draw is previewed: anything else is
    // said next to the field now, not shown as a broken image.
    if (!/^image\/(jpeg|png|webp|gif)$/.test(file.type)) {
      showError('This file is not a picture we accept. Choose a JPEG, PNG, WebP or GIF.');
      return;
    }
    // A data: URL: the page's CSP allows img-src data:, not blob:.
    const reader = new FileReader();
    reader.addEventListener('load', () => { preview.src = String(reader.result); });
    reader.readAsDataURL(file);
  });
  preview.addEventListener('load', () => { preview.hidden = false; });
  preview.addEventListener('error', () => {
    preview.hidden = true;
    // The daemon says the same of it, should the member send it anyway.
    if (input.files && input.files.length) showError('This file is not a picture we accept. Choose a JPEG, PNG, WebP or GIF.');
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    kit.clearFieldErrors(form);
    const file = input.files && input.files[0];
    if (!file) return showError('Choose a picture to upload.');
    if (file.size > limits.max_bytes) return showError(`This file is larger than ${megabytes(limits.max_bytes)}. Choose a smaller picture.`);
    upload.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    const result = await send(file, (share) => { progress.value = Math.round(share * 100); });
    upload.disabled = false;
    progress.hidden = true;
    if (!result.ok) return showError(refusalText(result.status, result.problem, limits));
    form.reset();
    preview.hidden = true;
    preview.removeAttribute('src');
    await refresh();
    kit.announce(result.status === 201 ? 'Your new photo is published.'
      : `Uploaded. Pending review, due by ${kit.dualTime(result.data.due_at)}.`);
    // The keyboard goes on from the photo just sent, not from the page's start.
    const sent = current.querySelector(result.status === 201 ? '[data-testid=photo-published]' : '[data-testid=photo-pending]');
    if (sent) sent.focus();
  });

  function showError(text) {
    error.textContent = text;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }

  async function refresh() {
    const fresh = await api('GET', '/api/v1/me/photo');
    if (fresh.ok) state = fresh.data;
    showState();
  }

  function figure(url, caption, testid) {
    return el('figure', { class: 'photo-figure', tabindex: '-1', 'data-testid': testid },
      el('img', { src: url, alt: caption, width: 200, height: 200 }), el('figcaption', { text: caption }));
  }

  // The published photo, the pending one, the last rejection, removal.
  function showState() {
    const parts = [];
    const photos = [];
    photos.push(state.published ? figure(state.published.urls.medium, 'Your photo, as others see it', 'photo-published')
      : el('p', { class: 'hint', 'data-testid': 'photo-none', text: 'You have no photo yet.' }));
    if (state.pending)
      photos.push(figure(state.pending.urls.medium,
        `Pending review${state.pending.due_at ? `, due by ${kit.dualTime(state.pending.due_at)}` : ''}`, 'photo-pending'));
    parts.push(el('div', { class: 'photo-figures' }, ...photos));
    const last = state.last_decision;
    if (last && last.status === 'rejected' && !state.pending)
      parts.push(el('p', { class: 'form-message error', 'data-testid': 'photo-rejected',
        text: `Your last photo was not approved: ${last.reason}` }));
    if (state.published || state.pending) parts.push(removal());
    current.replaceChildren(...parts);
  }

  function removal() {
    const box = el('div', { class: 'photo-remove' });
    const start = el('button', { type: 'button', 'data-testid': 'photo-remove', text: 'Remove my photo' });
    start.addEventListener('click', () => {
      const yes = el('button', { type: 'button', class: 'danger', 'data-testid': 'photo-remove-confirm', text: 'Yes, remove it' });
      const no = el('button', { type: 'button', text: 'Cancel' });
      yes.addEventListener('click', async () => {
        const done = await api('DELETE', '/api/v1/me/photo');
        if (!done.ok) return kit.announce('Not removed. Try again in a moment.');
        await refresh();
        kit.announce('Your photo is removed.');
      });
      no.addEventListener('click', () => { showState(); });
      box.replaceChildren(el('span', { text: 'Remove your photo and any photo waiting for review? ' }), yes, ' ', no);
      yes.focus();
    });
    box.append(start);
    return box;
  }
}
