/** Where each kind of record has its page in the console, and how a platform is named. */
export const personHref = (id: string) => `#/people/${encodeURIComponent(id)}`;
export const deviceHref = (id: string) => `#/devices/${encodeURIComponent(id)}`;
export const mandateHref = (id: string) => `#/mandates/${encodeURIComponent(id)}`;
export const orderHref = (id: number) => `#/logistics?order=${id}`;

/** How each platform is written: its own name, the same in every language. */
const PLATFORM_NAMES: Record<string, string> = {
  ios: 'iOS',
  ipados: 'iPadOS',
  android: 'Android',
  aurora: 'Aurora',
  harmonyos: 'HarmonyOS',
  kaios: 'KaiOS',
  windows: 'Windows',
  macos: 'macOS',
  linux: 'Linux',
  chromeos: 'ChromeOS',
};

/** Platforms are names (iOS, Aurora…) except "other", which is a word of the console's language. */
export const platformName = (t: (k: string) => string, p: string) =>
  p === 'other' ? t('platform_other') : (PLATFORM_NAMES[p] ?? p);

/**
 * An exemption's ground as words of the console's language when the console knows it
 * (`ground_national-security`), else as the mandate names it, dashes read as spaces.
 */
export const groundName = (t: (k: string) => string, exists: (k: string) => boolean, g: string) =>
  exists(`ground_${g}`) ? t(`ground_${g}`) : g.replace(/-/g, ' ');
