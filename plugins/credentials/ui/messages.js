// What the credentials pages say for problems that belong to no one field.
// Shared by every page of the plugin.

// "Retry-After: 900" -> "15 minutes", 60 -> "1 minute".
export function waitText(headers) {
  const seconds = Number.parseInt(headers.get('Retry-After') || '', 10);
  if (!Number.isFinite(seconds) || seconds <= 0) return 'a while';
  const count = (n, unit) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds < 60) return count(seconds, 'second');
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 90) return count(minutes, 'minute');
  return count(Math.ceil(minutes / 60), 'hour');
}

// The sentence for a failed call: a lock or a limit says how long to wait,
// anything else the problem's own title and detail.
export function problemSentence(result) {
  if (result.status === 429) {
    const locked = /locked/.test(String(result.problem?.type || ''));
    return locked
      ? `This account is locked for now after too many attempts. Try again in ${waitText(result.headers)}.`
      : `Too many attempts from here. Try again in ${waitText(result.headers)}.`;
  }
  const problem = result.problem || {};
  return [problem.title, problem.detail].filter(Boolean).join(' — ');
}
