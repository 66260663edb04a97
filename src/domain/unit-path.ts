/** Unit paths: `/`-separated segments, trimmed, non-empty. */

/** Normalises a unit path, or returns null when a segment is empty. */
export function normaliseUnitPath(raw: string): string | null {
  const segments = raw.split('/').map((s) => s.trim());
  if (segments.length === 0 || segments.some((s) => s === '')) return null;
  return segments.join('/');
}

/** True when `path` equals `ancestor` or lies below it, comparing whole segments. */
export function isAtOrBelow(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(ancestor + '/');
}

/** The path cut to `depth` levels (the root is level 1). */
export function cutUnitPath(path: string, depth: number): string {
  return path.split('/').slice(0, depth).join('/');
}

/** Every ancestor of a path, nearest last, the path itself included. */
export function unitPathAncestry(path: string): string[] {
  const segments = path.split('/');
  return segments.map((_, i) => segments.slice(0, i + 1).join('/'));
}
