/**
 * Apple model identifiers (as Jamf and Intune report them) to marketing names: every iPhone and
 * iPad since 2017. A device whose identifier is not here keeps what the source wrote.
 */
const IPHONES: Record<string, string> = {
  'iPhone10,1': 'iPhone 8',
  'iPhone10,4': 'iPhone 8',
  'iPhone10,2': 'iPhone 8 Plus',
  'iPhone10,5': 'iPhone 8 Plus',
  'iPhone10,3': 'iPhone X',
  'iPhone10,6': 'iPhone X',
  'iPhone11,2': 'iPhone XS',
  'iPhone11,4': 'iPhone XS Max',
  'iPhone11,6': 'iPhone XS Max',
  'iPhone11,8': 'iPhone XR',
  'iPhone12,1': 'iPhone 11',
  'iPhone12,3': 'iPhone 11 Pro',
  'iPhone12,5': 'iPhone 11 Pro Max',
  'iPhone12,8': 'iPhone SE (2nd generation)',
  'iPhone13,1': 'iPhone 12 mini',
  'iPhone13,2': 'iPhone 12',
  'iPhone13,3': 'iPhone 12 Pro',
  'iPhone13,4': 'iPhone 12 Pro Max',
  'iPhone14,4': 'iPhone 13 mini',
  'iPhone14,5': 'iPhone 13',
  'iPhone14,2': 'iPhone 13 Pro',
  'iPhone14,3': 'iPhone 13 Pro Max',
  'iPhone14,6': 'iPhone SE (3rd generation)',
  'iPhone14,7': 'iPhone 14',
  'iPhone14,8': 'iPhone 14 Plus',
  'iPhone15,2': 'iPhone 14 Pro',
  'iPhone15,3': 'iPhone 14 Pro Max',
  'iPhone15,4': 'iPhone 15',
  'iPhone15,5': 'iPhone 15 Plus',
  'iPhone16,1': 'iPhone 15 Pro',
  'iPhone16,2': 'iPhone 15 Pro Max',
  'iPhone17,3': 'iPhone 16',
  'iPhone17,4': 'iPhone 16 Plus',
  'iPhone17,1': 'iPhone 16 Pro',
  'iPhone17,2': 'iPhone 16 Pro Max',
  'iPhone17,5': 'iPhone 16e',
  'iPhone18,3': 'iPhone 17',
  'iPhone18,1': 'iPhone 17 Pro',
  'iPhone18,2': 'iPhone 17 Pro Max',
  'iPhone18,4': 'iPhone Air',
};

/** iPads: each name listed with all its identifiers (Wi-Fi and cellular). */
const IPADS: [string, string[]][] = [
  ['iPad (5th generation)', ['iPad6,11', 'iPad6,12']],
  ['iPad Pro 12.9-inch (2nd generation)', ['iPad7,1', 'iPad7,2']],
  ['iPad Pro 10.5-inch', ['iPad7,3', 'iPad7,4']],
  ['iPad (6th generation)', ['iPad7,5', 'iPad7,6']],
  ['iPad (7th generation)', ['iPad7,11', 'iPad7,12']],
  ['iPad Pro 11-inch (1st generation)', ['iPad8,1', 'iPad8,2', 'iPad8,3', 'iPad8,4']],
  ['iPad Pro 12.9-inch (3rd generation)', ['iPad8,5', 'iPad8,6', 'iPad8,7', 'iPad8,8']],
  ['iPad Pro 11-inch (2nd generation)', ['iPad8,9', 'iPad8,10']],
  ['iPad Pro 12.9-inch (4th generation)', ['iPad8,11', 'iPad8,12']],
  ['iPad mini (5th generation)', ['iPad11,1', 'iPad11,2']],
  ['iPad Air (3rd generation)', ['iPad11,3', 'iPad11,4']],
  ['iPad (8th generation)', ['iPad11,6', 'iPad11,7']],
  ['iPad (9th generation)', ['iPad12,1', 'iPad12,2']],
  ['iPad Air (4th generation)', ['iPad13,1', 'iPad13,2']],
  ['iPad Pro 11-inch (3rd generation)', ['iPad13,4', 'iPad13,5', 'iPad13,6', 'iPad13,7']],
  ['iPad Pro 12.9-inch (5th generation)', ['iPad13,8', 'iPad13,9', 'iPad13,10', 'iPad13,11']],
  ['iPad Air (5th generation)', ['iPad13,16', 'iPad13,17']],
  ['iPad (10th generation)', ['iPad13,18', 'iPad13,19']],
  ['iPad mini (6th generation)', ['iPad14,1', 'iPad14,2']],
  ['iPad Pro 11-inch (4th generation)', ['iPad14,3', 'iPad14,4']],
  ['iPad Pro 12.9-inch (6th generation)', ['iPad14,5', 'iPad14,6']],
  ['iPad Air 11-inch (M2)', ['iPad14,8', 'iPad14,9']],
  ['iPad Air 13-inch (M2)', ['iPad14,10', 'iPad14,11']],
  ['iPad Air 11-inch (M3)', ['iPad15,3', 'iPad15,4']],
  ['iPad Air 13-inch (M3)', ['iPad15,5', 'iPad15,6']],
  ['iPad (A16)', ['iPad15,7', 'iPad15,8']],
  ['iPad mini (A17 Pro)', ['iPad16,1', 'iPad16,2']],
  ['iPad Pro 11-inch (M4)', ['iPad16,3', 'iPad16,4']],
  ['iPad Pro 13-inch (M4)', ['iPad16,5', 'iPad16,6']],
  ['iPad Pro 11-inch (M5)', ['iPad17,1', 'iPad17,2']],
  ['iPad Pro 13-inch (M5)', ['iPad17,3', 'iPad17,4']],
];

const BY_ID = new Map<string, string>();
for (const [id, name] of Object.entries(IPHONES)) BY_ID.set(id.toLowerCase(), name);
for (const [name, ids] of IPADS) for (const id of ids) BY_ID.set(id.toLowerCase(), name);

/** The marketing name of an Apple model identifier (`iPhone15,2` → `iPhone 14 Pro`), or null. */
export function appleModelName(identifier: string): string | null {
  return BY_ID.get(identifier.trim().toLowerCase()) ?? null;
}

/** Every identifier in the table, for tests. */
export function appleModelIdentifiers(): string[] {
  return [...Object.keys(IPHONES), ...IPADS.flatMap(([, ids]) => ids)];
}
