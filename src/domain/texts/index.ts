import i18next, { type TFunction } from 'i18next';
import { LANGUAGES, type Language } from './languages.js';
import { MESSAGES } from './messages.js';

/**
 * Every text the server writes for people, in one catalogue per kind and language: the messages
 * it sends (i18next, with interpolation and plural forms), the words of its reports and
 * certificates. No code branches on the language.
 */
export { LANGUAGES, type Language };

const i18n = i18next.createInstance();
void i18n.init({
  resources: { en: { translation: MESSAGES.en }, ru: { translation: MESSAGES.ru } },
  lng: 'en',
  fallbackLng: 'en',
  initAsync: false,
  interpolation: { escapeValue: false },
});

/** The message texts in a language: `t('finding.remind.subject', {mandate, due})`. */
export function messagesIn(lang: Language): TFunction {
  return i18n.getFixedT(lang);
}

export { REPORT_WORDS } from './report.js';
export { CERTIFICATE_WORDS } from './certificate.js';
