/** "1 step", "4 steps", "2 child images": a count with its noun, for sentences the user reads. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

const BYTE_UNITS = ["B", "kB", "MB", "GB", "TB"];

/** Decimal units, as the Docker CLI prints sizes: "524 kB", "1.80 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "?";
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 100 || unit === 0 ? value.toFixed(0) : value.toFixed(value >= 10 ? 1 : 2)} ${BYTE_UNITS[unit]}`;
}
