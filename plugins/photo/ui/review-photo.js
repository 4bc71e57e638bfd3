// The console's view of a photo in the review queue (Host::add_review_kind):
// the current photo beside the new one, with what the member uploaded (its
// format, size and pixels) under the new one, and a small copy for the
// queue's row.

// A photo's preview URL at another of its sizes.
function sized(url, size) {
  return url.replace(/([?&]size=)[a-z0-9_]+/, `$1${size}`);
}

function bytesText(bytes) {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export function render(item, { el }) {
  const pending = item.fields || {};
  const published = item.published_fields;
  const current = published && published.preview_url
    ? el('img', { src: published.preview_url, alt: 'The current photo', width: 256, height: 256 })
    : el('p', { class: 'hint', text: 'No current photo.' });
  return el('div', { class: 'review-photos', 'data-testid': 'review-photos' },
    el('figure', {}, current, el('figcaption', { text: 'Current photo' })),
    el('figure', {}, el('img', { src: pending.preview_url, alt: 'The new photo', width: 256, height: 256,
      'data-testid': 'review-photo-new' }),
    el('figcaption', { text: `New photo: uploaded as ${pending.format}, ${bytesText(pending.bytes || 0)}, ` +
      `${pending.width} × ${pending.height} pixels` })));
}

export function thumbnail(item, { el }) {
  if (!item.fields || !item.fields.preview_url) return null;
  return el('img', { class: 'review-thumb', src: sized(item.fields.preview_url, 'small'), alt: '', width: 32, height: 32 });
}
