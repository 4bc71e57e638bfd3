// Where a sign-in or a session came from, as both member pages show it:
// the place's label, and the address as a link to its WHOIS lookup.
export function placeText(record) {
  return record.location && record.location.label ? record.location.label : 'Unknown';
}

export function ipLink(el, record) {
  return el('a', { href: record.whois_url, target: '_blank', rel: 'noopener noreferrer', class: 'mono',
    'aria-label': `${record.ip}: WHOIS lookup (opens in a new tab)`, text: record.ip });
}
