// hello's member page: an ES module the member shell loads from
// /account/plugins/hello/greetings.js and calls as render(root, shell).
// Plain DOM, text only (never innerHTML), no build step.
export async function render(root) {
  const heading = document.createElement('p');
  const list = document.createElement('ul');
  list.className = 'hello-greetings';
  root.append(heading, list);
  const hello = await fetch('/api/v1/hello').then((r) => r.json());
  heading.textContent = `${hello.message} (hello ${hello.version})`;
  const mine = await fetch('/api/v1/hello/greetings', { credentials: 'same-origin' });
  if (!mine.ok) return;
  for (const greeting of (await mine.json()).items ?? []) {
    const item = document.createElement('li');
    item.textContent = greeting.text;
    list.append(item);
  }
}
