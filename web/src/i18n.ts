import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

import { messages as resources } from './messages.js';

export type Language = keyof typeof resources;
const STORAGE = 'phaseout.language';

/** The remembered language, else the browser's if Russian, else English. */
export function initialLanguage(): Language {
  const saved = localStorage.getItem(STORAGE);
  if (saved === 'en' || saved === 'ru') return saved;
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

/** Switches and remembers the language. */
export async function setLanguage(lang: Language): Promise<void> {
  localStorage.setItem(STORAGE, lang);
  document.documentElement.lang = lang;
  await i18next.changeLanguage(lang);
}

const lng = initialLanguage();
document.documentElement.lang = lng;
void i18next
  .use(initReactI18next)
  .init({ resources, lng, fallbackLng: 'en', interpolation: { escapeValue: false } });

export default i18next;
