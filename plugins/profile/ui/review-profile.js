// The console's view of a profile in the review queue (Host::add_review_kind):
// the console's field table, in the form's order, with its labels, and a
// country by its name, as the member chose it.
import { countryName } from './values.js';

export async function render(item, { api, fieldChanges }) {
  const schema = await api('GET', '/api/v1/profile/schema', { quiet: true });
  const fields = (schema.ok && schema.data.fields) || [];
  return fieldChanges(item, {
    order: fields.map((f) => f.name),
    labels: Object.fromEntries(fields.map((f) => [f.name, f.label])),
    show: Object.fromEntries(fields.filter((f) => f.type === 'country').map((f) => [f.name, countryName])),
  });
}
