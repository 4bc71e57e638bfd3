// What the credentials pages say for problems that belong to no one field.
// Shared by every page of the plugin.

// "Retry-After: 900" -> "15 minutes".
export function waitText(headers) {
  const seconds = Number.parseInt(headers.get('Retry-After') || '', 10);
  if (!Number.isFinite(seconds) || seconds <= 0) return 'a while';
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 90) return `${minutes} minutes`;
  return `${Math.ceil(minutes / 60)} hours`;
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
