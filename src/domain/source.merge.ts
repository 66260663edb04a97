import type { Device } from './device.model.js';

/** The device fields a source may report, the owner among them (by the person it names). */
export const REPORTED_FIELDS = [
  'owner',
  'class',
  'platform',
  'osVersion',
  'manufacturer',
  'model',
  'ownership',
  'status',
  'apps',
] as const;
export type ReportedField = (typeof REPORTED_FIELDS)[number];
export type Reported = Partial<Pick<Device, ReportedField>>;

/** One source's last report of a device: each field's value and since when it says so. */
export type SourceReport = Partial<Record<ReportedField, { value: unknown; since: number }>>;

/** Per field, the sources in the order they are believed; a field not named: the latest change. */
export type SourcePriority = Partial<Record<ReportedField, string[]>>;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Whether a report's value counts for a field: an owner of none does ("nobody has it"). */
const counts = (f: ReportedField, v: unknown): boolean => f === 'owner' || v !== null;

/** The source a field is taken from: the first by priority that reports it, else the latest to change it. */
function winner(
  f: ReportedField,
  reports: ReadonlyMap<string, SourceReport>,
  priority: SourcePriority,
): string | null {
  const candidates = [...reports].filter(([, r]) => r[f] && counts(f, r[f].value));
  const ranked = priority[f];
  if (ranked) for (const s of ranked) if (candidates.some(([c]) => c === s)) return s;
  candidates.sort(([a, x], [b, y]) => y[f]!.since - x[f]!.since || (a < b ? -1 : 1));
  return candidates[0]?.[0] ?? null;
}

/**
 * A source's new report of a device, laid over what is stored (DESIGN §5a "several sources on
 * one device"). Each field it reports is taken from the source of highest priority that reports
 * a value (a configured order per field, else the source whose value changed last): a value
 * seen again keeps its time, so re-importing an unchanged file changes nothing whichever source
 * reported in between, and two sources never flip a field back and forth. Sources are the
 * authority on what they report: a field edited by hand holds until a source reports it again.
 * Answers the device, this source's report as now stored, and the owners the sources disagree
 * on (a conflict to list: the device keeps the owner the rule gives).
 */
export function applySourceReport(
  device: Device,
  source: string,
  report: Reported,
  stored: ReadonlyMap<string, SourceReport>,
  at: number,
  priority: SourcePriority = {},
): { device: Device; report: SourceReport; owners: { source: string; owner: string }[] } {
  const mine: SourceReport = { ...(stored.get(source) ?? {}) };
  const reported: ReportedField[] = [];
  for (const f of REPORTED_FIELDS) {
    if (!(f in report)) continue;
    reported.push(f);
    const value = report[f];
    if (!mine[f] || !same(mine[f].value, value)) mine[f] = { value, since: at };
  }
  const all = new Map(stored);
  all.set(source, mine);
  const next: Record<string, unknown> = { ...device };
  for (const f of reported) {
    const w = winner(f, all, priority);
    if (w !== null) next[f] = all.get(w)![f]!.value;
  }
  const owners = [...all].flatMap(([s, r]) =>
    typeof r.owner?.value === 'string' ? [{ source: s, owner: r.owner.value }] : [],
  );
  return {
    device: next as unknown as Device,
    report: mine,
    owners: new Set(owners.map((o) => o.owner)).size > 1 ? owners : [],
  };
}
