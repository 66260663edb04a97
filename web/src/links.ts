/** Where each kind of record has its page in the console, and how a platform is named. */
export const personHref = (id: string) => `#/people/${encodeURIComponent(id)}`;
export const deviceHref = (id: string) => `#/devices/${encodeURIComponent(id)}`;
export const mandateHref = (id: string) => `#/mandates/${encodeURIComponent(id)}`;
export const orderHref = (id: number) => `#/logistics?order=${id}`;

/** Platforms are names (iOS, Aurora…) except "other", which is a word of the console's language. */
export const platformName = (t: (k: string) => string, p: string) =>
  p === 'other' ? t('platform_other') : p;
