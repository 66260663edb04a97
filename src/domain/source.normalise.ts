import { appleModelName } from './apple-models.js';
import {
  DEVICE_CLASSES,
  DEVICE_STATUSES,
  PLATFORMS,
  type Device,
  type DeviceClass,
  type DeviceStatus,
  type Ownership,
  type Platform,
} from './device.model.js';

/**
 * What one row of a device source says, as raw text, before normalisation. A key that is
 * absent means the source carries no such column: the stored field stays as it is.
 */
export interface RawSourceRow {
  sourceId?: string;
  serial?: string;
  imei?: string;
  /** The owner's e-mail or UPN. */
  ownerEmail?: string;
  /** Every other owner column the row carries (Intune: the e-mail beside the UPN), in order. */
  ownerEmailAlternates?: string[];
  /** The owner's person id (native files and maps). */
  ownerId?: string;
  os?: string;
  osVersion?: string;
  manufacturer?: string;
  model?: string;
  modelIdentifier?: string;
  /** The source's own word for the kind of device: Intune/Google type, Snipe-IT category. */
  kind?: string;
  platform?: string;
  class?: string;
  ownership?: string;
  status?: string;
  apps?: string;
  lastContact?: string;
}

/** Facts a format knows about every row of its file (Jamf's computer export: macOS). */
export interface FormatHints {
  platform?: Platform;
  ownership?: Ownership;
}

/** The normalised fields a row sets; absent keys leave the stored value. */
export type SourceFields = Partial<
  Pick<
    Device,
    'class' | 'platform' | 'osVersion' | 'manufacturer' | 'model' | 'ownership' | 'status' | 'apps'
  >
>;

const text = (v: string | undefined): string | null | undefined =>
  v === undefined ? undefined : v.trim() === '' ? null : v.trim();

/** Platform from an operating system's name as MDMs write it (`iOS`, `Mac OS X`, `Android 13`). */
export function platformFromOs(os: string): Platform {
  const s = os.trim().toLowerCase();
  if ((PLATFORMS as readonly string[]).includes(s)) return s as Platform;
  if (s.startsWith('ipados')) return 'ipados';
  if (/^(ios|iphone ?os)\b/.test(s) || s.startsWith('ios/')) return 'ios';
  if (s.startsWith('android')) return 'android';
  if (s.startsWith('windows')) return 'windows';
  if (/^(macos|mac ?os|os ?x)/.test(s)) return 'macos';
  if (/^chrome ?os/.test(s)) return 'chromeos';
  if (/^harmony ?os/.test(s)) return 'harmonyos';
  if (s.startsWith('aurora') || s.startsWith('аврора')) return 'aurora';
  if (s.startsWith('kaios')) return 'kaios';
  if (/^(linux|ubuntu|debian|red ?hat|rhel|fedora|astra|alt ?linux)/.test(s)) return 'linux';
  return 'other';
}

/** A trailing version in an OS name (`Android 13` → `13`, `iOS 16.3.1` → `16.3.1`). */
function versionIn(os: string): string | null {
  return /(\d+(?:\.\d+)*)\s*$/.exec(os.trim())?.[1] ?? null;
}

const TABLET_MODEL =
  /\b(tab|tablet|pad)\b|^sm-[tpx]\d|galaxy tab|mediapad|matepad|lenovo tb|\bipad/i;
const MAC_DESKTOP = /imac|mac ?mini|mac ?studio|mac ?pro\b(?!.*book)/i;

/** Class from the source's own kind (`Mobile Phones`, `Tablets`, `Laptops`, `Desktop`), or null. */
function classFromKind(kind: string): DeviceClass | null {
  const k = kind.trim().toLowerCase();
  if ((DEVICE_CLASSES as readonly string[]).includes(k)) return k as DeviceClass;
  if (/feature|push-?button|кнопоч/.test(k)) return 'feature_phone';
  if (/tablet|планшет/.test(k)) return 'tablet';
  if (/phone|smartphone|mobile|телефон|смартфон/.test(k)) return 'smartphone';
  if (/laptop|notebook|ноутбук/.test(k)) return 'laptop';
  if (/desktop|workstation|pc\b|компьютер/.test(k)) return 'desktop';
  return null;
}

/** Class from platform and model when the source says nothing better. */
function classFromPlatform(platform: Platform, model: string): DeviceClass {
  switch (platform) {
    case 'ios':
      return 'smartphone';
    case 'ipados':
      return 'tablet';
    case 'android':
    case 'harmonyos':
    case 'aurora':
      return TABLET_MODEL.test(model) ? 'tablet' : 'smartphone';
    case 'kaios':
      return 'feature_phone';
    case 'macos':
      return MAC_DESKTOP.test(model) ? 'desktop' : 'laptop';
    case 'windows':
    case 'chromeos':
    case 'linux':
      return 'laptop';
    default:
      return 'other';
  }
}

const ANDROID_MAKERS =
  /^(samsung|google|xiaomi|redmi|poco|oneplus|motorola|oppo|vivo|realme|sony|zte|nokia|lenovo|asus|tecno|infinix|fairphone|nothing)\b/i;

/** Platform of a phone or tablet from its maker alone, when nothing else tells (an asset register). */
function platformFromMaker(maker: string, cls: DeviceClass): Platform | undefined {
  if (/^apple\b/i.test(maker)) return cls === 'tablet' ? 'ipados' : 'ios';
  if (ANDROID_MAKERS.test(maker)) return 'android';
  return undefined;
}

/** Ownership from `Corporate`, `Company`, `Personal`, `BYOD` and the like; null when unclear. */
export function ownershipFrom(raw: string): Ownership | null {
  const s = raw.trim().toLowerCase();
  if (/corporate|company|organi[sz]ation|corp\b|служеб|корпоратив/.test(s)) return 'corporate';
  if (/personal|byod|user[- ]owned|employee|личн/.test(s)) return 'personal';
  return null;
}

/** Status from an asset register's or MDM's words; anything not telling otherwise is in use. */
export function statusFrom(raw: string): DeviceStatus {
  const s = raw.trim().toLowerCase().replace(/\s+/g, '_');
  if ((DEVICE_STATUSES as readonly string[]).includes(s)) return s as DeviceStatus;
  if (/lost|stolen|missing/.test(s)) return 'lost';
  if (/destroy|shred/.test(s)) return 'destroyed';
  if (/wiped|wiping/.test(s)) return 'wiped';
  if (/archiv|retire|dispos|recycl|decommission|unprovision/.test(s)) return 'retired';
  return 'active';
}

/**
 * Normalises one raw row: platform from the OS name, iPads apart from iPhones, class from the
 * source's kind or from platform and model, Apple identifiers to names, ownership and status
 * from the source's words. Only what the row carries is set.
 */
export function normaliseSourceRow(raw: RawSourceRow, hints: FormatHints = {}): SourceFields {
  const out: SourceFields = {};
  const identifier = text(raw.modelIdentifier) ?? null;
  let model = text(raw.model);
  // A model column holding an identifier (`iPhone15,2`) is read like one.
  const appleName =
    (identifier ? appleModelName(identifier) : null) ?? (model ? appleModelName(model) : null);
  if (appleName) model = appleName;
  else if (!model && identifier) model = identifier;
  const looksApple = /^(iphone|ipad|mac|imac)/i.test(model ?? identifier ?? '');

  let platform: Platform | undefined;
  const directPlatform = text(raw.platform);
  if (directPlatform) platform = platformFromOs(directPlatform);
  else if (text(raw.os)) platform = platformFromOs(raw.os!);
  else if (hints.platform) platform = hints.platform;
  else if (model && /^iphone/i.test(model)) platform = 'ios';
  else if (model && /^ipad/i.test(model)) platform = 'ipados';
  const fromKindEarly = text(raw.kind) ? classFromKind(raw.kind!) : null;
  if (!platform && (fromKindEarly === 'smartphone' || fromKindEarly === 'tablet')) {
    platform = platformFromMaker(text(raw.manufacturer) ?? '', fromKindEarly);
  }
  if (platform === 'ios' && /ipad/i.test(`${model ?? ''} ${identifier ?? ''}`)) platform = 'ipados';
  if (platform) out.platform = platform;

  const osVersion = text(raw.osVersion);
  if (osVersion !== undefined) out.osVersion = osVersion;
  else if (text(raw.os)) out.osVersion = versionIn(raw.os!);

  const manufacturer = text(raw.manufacturer);
  if (manufacturer) out.manufacturer = manufacturer;
  else if (appleName || (looksApple && platform && ['ios', 'ipados', 'macos'].includes(platform)))
    out.manufacturer = 'Apple';
  else if (manufacturer === null) out.manufacturer = null;
  if (model !== undefined) out.model = model;

  const direct = text(raw.class);
  const fromKind = text(raw.kind) ? classFromKind(raw.kind!) : null;
  if (direct) out.class = classFromKind(direct) ?? 'other';
  else if (fromKind) out.class = fromKind;
  else if (platform) out.class = classFromPlatform(platform, `${model ?? ''} ${identifier ?? ''}`);

  if (text(raw.ownership)) {
    const o = ownershipFrom(raw.ownership!);
    if (o) out.ownership = o;
  } else if (hints.ownership) out.ownership = hints.ownership;
  if (text(raw.status)) out.status = statusFrom(raw.status!);
  if (raw.apps !== undefined)
    out.apps = [
      ...new Set(
        raw.apps
          .split(';')
          .map((a) => a.trim())
          .filter(Boolean),
      ),
    ];
  return out;
}

/** The key a serial number is matched by: trimmed, any case. */
export function serialKey(serial: string | null | undefined): string | null {
  const s = serial?.trim().toLowerCase();
  return s ? s : null;
}

/** The key an IMEI is matched by: its digits (spaces and dashes dropped). */
export function imeiKey(imei: string | null | undefined): string | null {
  const s = imei?.replace(/[\s-]/g, '');
  return s ? s : null;
}
