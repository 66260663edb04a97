/** The languages phaseout speaks: its messages, reports, certificates and console. */
export const LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];
