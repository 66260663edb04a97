import { parseDocument } from 'yaml';
import { z } from 'zod';
import { invalidInput, problemsOf, type Problem } from './errors.js';
import { PLATFORMS, OWNERSHIPS } from './device.model.js';
import type { FormatHints, RawSourceRow } from './source.normalise.js';

/** The device formats `import devices --format` takes. */
export const SOURCE_FORMATS = [
  'native',
  'intune',
  'intune-graph',
  'jamf',
  'snipeit',
  'google',
  'auto',
] as const;
export type SourceFormatName = (typeof SOURCE_FORMATS)[number];

type RawKey = Exclude<keyof RawSourceRow, 'ownerEmailAlternates'>;
export const RAW_KEYS: readonly RawKey[] = [
  'sourceId',
  'serial',
  'imei',
  'ownerEmail',
  'ownerId',
  'os',
  'osVersion',
  'manufacturer',
  'model',
  'modelIdentifier',
  'kind',
  'platform',
  'class',
  'ownership',
  'status',
  'apps',
  'lastContact',
];

/**
 * A source layout: which of the file's columns (lower-case, first one present wins) give each
 * raw field, value maps, and what the format knows of every row.
 */
export interface SourceLayout {
  name: string;
  columns: Partial<Record<RawKey, string[]>>;
  values?: Partial<Record<RawKey, Record<string, string>>>;
  hints: (header: readonly string[]) => FormatHints;
  /** The source its rows are reports of, when not its name (a Graph export is Intune's). */
  source?: string;
  /** Its times without a zone are written in UTC (Intune, Graph); else in the organisation's. */
  timesInUtc?: true;
}

/** The layouts of the products' own exports, with the headers those products write. */
export const LAYOUTS: Record<
  'intune' | 'intune-graph' | 'jamf' | 'snipeit' | 'google',
  SourceLayout
> = {
  intune: {
    name: 'intune',
    columns: {
      sourceId: ['device id'],
      serial: ['serial number'],
      imei: ['imei'],
      os: ['os'],
      osVersion: ['os version'],
      manufacturer: ['manufacturer'],
      model: ['model'],
      ownership: ['ownership'],
      ownerEmail: ['primary user upn', 'primary user email address'],
      lastContact: ['last check-in'],
    },
    hints: () => ({}),
    timesInUtc: true,
  },
  // Microsoft Graph `managedDevice` properties, as `Get-MgDeviceManagementManagedDevice |
  // Export-Csv` writes them (with a `#TYPE` first line in Windows PowerShell); times in UTC.
  'intune-graph': {
    name: 'intune-graph',
    source: 'intune',
    columns: {
      sourceId: ['id'],
      serial: ['serialnumber'],
      imei: ['imei'],
      os: ['operatingsystem'],
      osVersion: ['osversion'],
      manufacturer: ['manufacturer'],
      model: ['model'],
      ownership: ['manageddeviceownertype'],
      ownerEmail: ['emailaddress', 'userprincipalname'],
      lastContact: ['lastsyncdatetime'],
    },
    hints: () => ({}),
    timesInUtc: true,
  },
  jamf: {
    name: 'jamf',
    columns: {
      sourceId: ['udid'],
      serial: ['serial number'],
      imei: ['imei'],
      model: ['model'],
      modelIdentifier: ['model identifier'],
      osVersion: ['ios version', 'operating system version'],
      ownerEmail: ['email address'],
      lastContact: ['last inventory update'],
    },
    // The computer search export carries `Operating System Version`: every row is a Mac.
    hints: (header) =>
      header.includes('operating system version') && !header.includes('ios version')
        ? { platform: 'macos' }
        : { platform: 'ios' },
  },
  snipeit: {
    name: 'snipeit',
    columns: {
      sourceId: ['asset tag'],
      serial: ['serial'],
      manufacturer: ['manufacturer'],
      model: ['model'],
      kind: ['category'],
      status: ['status'],
      ownerEmail: ['checked out to: email', 'email'],
      ownerId: ['employee number', 'checked out to: employee number'],
    },
    // Snipe-IT's default status labels: a unit ready to deploy or pending is in the depot, not
    // in someone's hands; a broken one is out of use.
    values: {
      status: {
        'ready to deploy': 'in_stock',
        pending: 'in_stock',
        broken: 'retired',
        archived: 'retired',
      },
    },
    // An asset register lists the organisation's own assets.
    hints: () => ({ ownership: 'corporate' }),
  },
  google: {
    name: 'google',
    columns: {
      sourceId: ['device id'],
      ownerEmail: ['email'],
      model: ['model'],
      os: ['os', 'type'],
      serial: ['serial number'],
      imei: ['imei/meid'],
      ownership: ['ownership'],
      status: ['status'],
      lastContact: ['last sync'],
    },
    hints: () => ({}),
  },
};

/** Headers that tell a product's export apart (lower-case). */
const SIGNATURES: Record<keyof typeof LAYOUTS | 'native', string[]> = {
  native: ['id', 'class', 'platform', 'owner', 'os_version', 'purposes'],
  intune: [
    'device id',
    'device name',
    'primary user upn',
    'primary user email address',
    'last check-in',
    'os version',
  ],
  jamf: [
    'udid',
    'last inventory update',
    'model identifier',
    'ios version',
    'operating system version',
    'display name',
    'computer name',
    'email address',
  ],
  'intune-graph': [
    'serialnumber',
    'operatingsystem',
    'userprincipalname',
    'manageddeviceownertype',
    'lastsyncdatetime',
    'devicename',
  ],
  snipeit: ['asset tag', 'checked out to: email', 'checked out to: username', 'category', 'serial'],
  google: ['device id', 'imei/meid', 'last sync', 'type', 'serial number', 'ownership'],
};

/** Normalises a header cell for matching: trimmed, lower-case, inner spaces single. */
export function headerKey(h: string): string {
  return h.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Which product wrote a file, from its header; null when no format is clearly ahead. */
export function detectFormat(header: readonly string[]): Exclude<SourceFormatName, 'auto'> | null {
  const have = new Set(header.map(headerKey));
  const scores = Object.entries(SIGNATURES)
    .map(([name, sig]) => ({ name, score: sig.filter((h) => have.has(h)).length }))
    .sort((a, b) => b.score - a.score);
  const [best, second] = scores;
  if (!best || best.score < 2 || (second && second.score === best.score)) return null;
  return best.name as Exclude<SourceFormatName, 'auto'>;
}

const rawKeySchema = z.enum(RAW_KEYS as [RawKey, ...RawKey[]]);
const mapSchema = z.strictObject({
  name: z.string().trim().min(1).optional(),
  columns: z.record(z.string().min(1), rawKeySchema, {
    error: 'must map the file’s headers to fields',
  }),
  values: z.partialRecord(rawKeySchema, z.record(z.string(), z.string())).optional(),
  defaults: z
    .strictObject({
      platform: z.enum(PLATFORMS).optional(),
      ownership: z.enum(OWNERSHIPS).optional(),
    })
    .optional(),
});

/**
 * Reads a `--map` YAML: `columns` (the file's header → a field), `values` (per field, the
 * file's words → phaseout's), `defaults` (platform, ownership for every row). Refused whole,
 * with every problem, when it is not one.
 */
export function parseSourceMap(text: string, fileName: string): SourceLayout {
  const doc = parseDocument(text, { version: '1.2', schema: 'core' });
  const problems: Problem[] = doc.errors.map((e) => ({
    where: fileName,
    code: 'yaml_syntax',
    params: { detail: e.message },
    message: e.message,
  }));
  if (problems.length > 0) throw invalidInput(`${fileName} is not YAML`, problems);
  const parsed = mapSchema.safeParse(doc.toJS({ maxAliasCount: 100 }));
  if (!parsed.success) {
    throw invalidInput(
      `${fileName} is not a source map`,
      problemsOf(parsed.error, {
        whole: '(document)',
        hint: (i) =>
          i.code === 'invalid_value' || i.code === 'invalid_key'
            ? ` (fields: ${RAW_KEYS.join(', ')})`
            : undefined,
      }).map((p) => ({ ...p, where: `${fileName}: ${p.where}` })),
    );
  }
  const m = parsed.data;
  const columns: SourceLayout['columns'] = {};
  for (const [header, key] of Object.entries(m.columns)) {
    (columns[key] ??= []).push(headerKey(header));
  }
  const values: SourceLayout['values'] = {};
  for (const [key, map] of Object.entries(m.values ?? {})) {
    values[key as RawKey] = Object.fromEntries(
      Object.entries(map).map(([from, to]) => [from.trim().toLowerCase(), to]),
    );
  }
  const defaults = m.defaults ?? {};
  return {
    name: m.name ?? 'map',
    columns,
    values,
    hints: () => ({
      ...(defaults.platform ? { platform: defaults.platform } : {}),
      ...(defaults.ownership ? { ownership: defaults.ownership } : {}),
    }),
  };
}

/** A reader of raw rows for a header: positions found once, cells read per row. */
export function rawRowReader(
  layout: SourceLayout,
  header: readonly string[],
): (cells: readonly string[]) => RawSourceRow {
  const keys = header.map(headerKey);
  const picks: [RawKey, number, Record<string, string> | undefined][] = [];
  for (const key of RAW_KEYS) {
    const names = layout.columns[key];
    if (!names) continue;
    const i = names.map((n) => keys.indexOf(n)).find((x) => x >= 0);
    if (i !== undefined) picks.push([key, i, layout.values?.[key]]);
  }
  // An owner may be named in several columns (a UPN and an e-mail): each is tried in turn.
  const owners = (layout.columns.ownerEmail ?? [])
    .map((n) => keys.indexOf(n))
    .filter((x) => x >= 0)
    .slice(1);
  return (cells) => {
    const raw: RawSourceRow = {};
    for (const [key, i, values] of picks) {
      const v = cells[i] ?? '';
      raw[key] = values ? (values[v.trim().toLowerCase()] ?? v) : v;
    }
    if (owners.length > 0) raw.ownerEmailAlternates = owners.map((i) => cells[i] ?? '');
    return raw;
  };
}

/** Whether a layout can identify a device in this header: a serial, IMEI or source id column. */
export function identifyingColumns(layout: SourceLayout, header: readonly string[]): string[] {
  const keys = new Set(header.map(headerKey));
  return (['serial', 'imei', 'sourceId'] as const).flatMap((k) =>
    (layout.columns[k] ?? []).filter((n) => keys.has(n)),
  );
}
