import en from './messages/en.js';
import ru from './messages/ru.js';

/**
 * Every string of the console, in English and Russian: no screen mixes languages. The console
 * loads one language at a time (`i18n.ts`); this whole table is for the tests that compare them.
 */
export const messages = { en: { translation: en }, ru: { translation: ru } };
