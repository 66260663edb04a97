import { LANGUAGES, type Language } from '../../src/domain/texts/languages.js';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

export type { Language };
const STORAGE = 'phaseout.language';

/** The remembered language, else the browser's if Russian, else English. */
export function initialLanguage(): Language {
  const saved = localStorage.getItem(STORAGE);
  if ((LANGUAGES as readonly string[]).includes(saved ?? '')) return saved as Language;
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

/** One language's strings, fetched when it is first shown (its own chunk). */
async function strings(lang: Language): Promise<Record<string, string>> {
  const m = lang === 'ru' ? await import('./messages/ru.js') : await import('./messages/en.js');
  return m.default;
}

/** Switches and remembers the language. */
export async function setLanguage(lang: Language): Promise<void> {
  if (!i18next.hasResourceBundle(lang, 'translation'))
    i18next.addResourceBundle(lang, 'translation', await strings(lang));
  localStorage.setItem(STORAGE, lang);
  document.documentElement.lang = lang;
  await i18next.changeLanguage(lang);
}

/** Starts the translations in the initial language: only its strings are downloaded. */
export async function startI18n(): Promise<void> {
  const lng = initialLanguage();
  document.documentElement.lang = lng;
  await i18next.use(initReactI18next).init({
    resources: { [lng]: { translation: await strings(lng) } },
    lng,
    fallbackLng: false,
    interpolation: { escapeValue: false },
  });
}

export default i18next;
