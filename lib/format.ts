/** "1 step", "4 steps", "2 child images": a count with its noun, for sentences the user reads. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
