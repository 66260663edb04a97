import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

/** Every string of the console, in English and Russian: no screen mixes languages. */
const resources = {
  en: {
    translation: {
      appName: 'phaseout',
      signIn: 'Sign in',
      signOut: 'Sign out',
      email: 'Email',
      password: 'Password',
      wrongPassword: 'Wrong email or password.',
      asOf: 'As of',
      language: 'Language',
      mandates: 'Mandates',
      noMandates: 'No mandates yet.',
      noCounts: 'Your role sees its own scope; organisation-wide counts are not shown to you.',
      due: 'due {{date}}',
      noDue: 'no due date',
      daysLeft_one: '{{count}} day left',
      daysLeft_other: '{{count}} days left',
      dueToday: 'due today',
      daysPast_one: '{{count}} day past due',
      daysPast_other: '{{count}} days past due',
      pending: 'Pending',
      overdue: 'Overdue',
      exempt: 'Exempt',
      resolved: 'Resolved',
      nonCompliant: 'People not compliant',
      progress: '{{percent}} of caught devices resolved',
      phase_upcoming: 'upcoming',
      phase_open: 'open',
      phase_met: 'met',
      phase_missed: 'missed',
      attested: '{{attested}} of {{required}} attested',
      forecast: 'At {{rate}} a day: done by {{date}}',
      noForecast: 'No devices resolved in the last 14 days: no forecast',
      onTrack: 'on track',
      offTrack: 'not on track',
      loading: 'Loading…',
    },
  },
  ru: {
    translation: {
      appName: 'phaseout',
      signIn: 'Войти',
      signOut: 'Выйти',
      email: 'Электронная почта',
      password: 'Пароль',
      wrongPassword: 'Неверная почта или пароль.',
      asOf: 'На дату',
      language: 'Язык',
      mandates: 'Распоряжения',
      noMandates: 'Распоряжений пока нет.',
      noCounts:
        'Ваша роль видит только свою область; сводные цифры по организации вам не показываются.',
      due: 'срок {{date}}',
      noDue: 'без срока',
      daysLeft_one: 'остался {{count}} день',
      daysLeft_few: 'осталось {{count}} дня',
      daysLeft_many: 'осталось {{count}} дней',
      daysLeft_other: 'осталось {{count}} дня',
      dueToday: 'срок сегодня',
      daysPast_one: 'просрочено на {{count}} день',
      daysPast_few: 'просрочено на {{count}} дня',
      daysPast_many: 'просрочено на {{count}} дней',
      daysPast_other: 'просрочено на {{count}} дня',
      pending: 'В работе',
      overdue: 'Просрочено',
      exempt: 'Исключения',
      resolved: 'Выполнено',
      nonCompliant: 'Людей не выполнили',
      progress: 'Выполнено {{percent}} выявленных устройств',
      phase_upcoming: 'впереди',
      phase_open: 'идёт',
      phase_met: 'выполнен',
      phase_missed: 'сорван',
      attested: 'подтвердили {{attested}} из {{required}}',
      forecast: 'При {{rate}} в день: завершение к {{date}}',
      noForecast: 'За 14 дней ничего не выполнено: прогноза нет',
      onTrack: 'в срок',
      offTrack: 'не в срок',
      loading: 'Загрузка…',
    },
  },
} as const;

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
