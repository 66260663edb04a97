/** A dot-separated version, compared numerically per component (missing ones are 0). */
export class Version {
  constructor(readonly parts: readonly number[]) {}
}

/** Reads `16.3.1` as a version; anything else is an evaluation error (the device is unknown). */
export function parseVersion(text: string): Version {
  const t = text.trim();
  if (!/^\d{1,9}(\.\d{1,9}){0,9}$/.test(t)) throw new Error(`"${text}" is not a version`);
  return new Version(t.split('.').map(Number));
}

/** Orders two versions: negative, zero or positive. */
export function compareVersions(a: Version, b: Version): number {
  const n = Math.max(a.parts.length, b.parts.length);
  for (let i = 0; i < n; i++) {
    const d = (a.parts[i] ?? 0) - (b.parts[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
