// How the profile's stored values read for people, on the member's page and
// in the console's review view alike.
const regionNames = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'region' }) : null;

// "CN" -> "China"; the code itself when the browser cannot name it.
export function countryName(code) {
  try { return (regionNames && regionNames.of(code)) || code; } catch { return code; }
}
