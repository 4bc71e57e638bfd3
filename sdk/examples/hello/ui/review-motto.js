// How the console's review queue shows a motto (Host::add_review_kind): the
// motto others see now above the new one, as a member would read them.
export function render(item, { el }) {
  const now = item.published_fields && item.published_fields.text;
  const next = (item.fields && item.fields.text) || '';
  return el('div', { class: 'hello-motto-review', 'data-testid': 'review-motto' },
    el('h2', { text: 'Motto shown now' }),
    now ? el('blockquote', { text: now }) : el('p', { class: 'hint', text: 'No motto yet.' }),
    el('h2', { text: 'New motto' }),
    el('blockquote', { 'data-testid': 'review-motto-new', text: next }));
}
