// A user agent as a person reads it: "Chrome on Windows". Plain guesses
// from the well-known tokens; the full string stays in a tooltip.
const BROWSERS = [
  [/Edg(?:e|A|iOS)?\/[\d.]+/, 'Edge'],
  [/OPR\/[\d.]+/, 'Opera'],
  [/Firefox\/[\d.]+/, 'Firefox'],
  [/Chrom(?:e|ium)\/[\d.]+/, 'Chrome'],
  [/Version\/[\d.]+.*Safari\//, 'Safari'],
  [/curl\/[\d.]+/, 'curl'],
];
const SYSTEMS = [
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

export function deviceName(userAgent) {
  const ua = String(userAgent || '');
  if (!ua) return 'Unknown device';
  const browser = (BROWSERS.find(([pattern]) => pattern.test(ua)) || [])[1];
  const system = (SYSTEMS.find(([pattern]) => pattern.test(ua)) || [])[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser || system || (ua.length > 40 ? `${ua.slice(0, 40)}…` : ua);
}
