// hello's console panel: what the plugin says, as admins see it.
export async function render(root) {
  const hello = await fetch('/api/v1/hello').then((r) => r.json());
  const line = document.createElement('p');
  line.textContent = `hello ${hello.version} greets with "${hello.message}".`;
  root.append(line);
}
