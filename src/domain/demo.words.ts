import type { Language } from './texts/languages.js';

/**
 * The words of the demo organisation in each language: the same story, the same draws, other
 * names. Lists are parallel (the same index in each language): the story stays the same.
 * Given names: the first ten men's, the last ten women's.
 */
export interface DemoWords {
  root: string;
  /** Directorates and their departments; the first directorate is the domestic-policy one. */
  structure: [string, string[]][];
  given: string[];
  /** Family names as men's; women's are made by `familyOf`. */
  family: string[];
  /** Russian patronymics (men's, women's), empty in English. */
  patronymics: [string[], string[]];
  titles: string[];
  heads: { administration: string; directorate: string; department: string };
  campaignTitle: string;
  campaignException: string;
  /** The title, reference, issuer and phase titles of the three mandates. */
  mandates: {
    iphone: { title: string; reference: string; issuedBy: string; phase: string };
    smartphones: { title: string; reference: string; phase: string };
    kaspersky: {
      title: string;
      reference: string;
      identify: string;
      plan: string;
      remove: string;
    };
  };
  depots: [string, string];
  items: { aurora: string; android: string };
}

const GIVEN_EN = [
  'Alexei',
  'Dmitry',
  'Sergei',
  'Andrei',
  'Mikhail',
  'Ivan',
  'Nikolai',
  'Pavel',
  'Yuri',
  'Oleg',
  'Anna',
  'Elena',
  'Olga',
  'Natalia',
  'Irina',
  'Tatiana',
  'Maria',
  'Svetlana',
  'Ekaterina',
  'Yulia',
];

const FAMILY_EN = [
  'Ivanov',
  'Smirnov',
  'Kuznetsov',
  'Popov',
  'Vasiliev',
  'Petrov',
  'Sokolov',
  'Mikhailov',
  'Novikov',
  'Fedorov',
  'Morozov',
  'Volkov',
  'Alekseev',
  'Lebedev',
  'Semenov',
  'Egorov',
  'Pavlov',
  'Kozlov',
  'Stepanov',
  'Nikolaev',
  'Orlov',
  'Andreev',
  'Makarov',
  'Nikitin',
  'Zakharov',
];

export const DEMO_WORDS: Record<Language, DemoWords> = {
  en: {
    root: 'Presidential Administration',
    structure: [
      [
        'Domestic Policy Directorate',
        [
          'Elections Department',
          'Regional Policy Department',
          'Public Projects Department',
          'Monitoring Department',
          'Civil Society Department',
        ],
      ],
      [
        'Foreign Policy Directorate',
        ['Europe Department', 'Asia Department', 'Protocol Department'],
      ],
      [
        'Staff Directorate',
        ['Personnel Department', 'Awards Department', 'Civil Service Department'],
      ],
      ['Press Service', ['Media Relations Department', 'Correspondence Department']],
      ['Legal Directorate', ['Legislation Department', 'Expert Review Department']],
      [
        'Control Directorate',
        [
          'Inspections Department',
          'Citizens Appeals Department',
          'Information Security Department',
        ],
      ],
    ],
    given: GIVEN_EN,
    family: FAMILY_EN,
    patronymics: [[], []],
    titles: [
      'Chief Adviser',
      'Adviser',
      'Senior Consultant',
      'Consultant',
      'Chief Specialist',
      'Specialist',
    ],
    heads: {
      administration: 'Head of the Administration',
      directorate: 'Head of Directorate',
      department: 'Head of Department',
    },
    campaignTitle: 'Declare every device you use for work',
    campaignException: 'has not answered two reminders',
    mandates: {
      iphone: {
        title: 'Replace iPhones — domestic-politics officials',
        reference: 'Instruction at the seminar for officials in domestic politics, March 2023',
        issuedBy: 'First Deputy Head of the Presidential Administration',
        phase: 'Hand in the iPhone and take a replacement',
      },
      smartphones: {
        title: 'No smartphones for official business',
        reference: 'Statement of the press secretary, March 2023',
        phase: 'Stop using smartphones for official business',
      },
      kaspersky: {
        title: 'Remove Kaspersky-branded products',
        reference: 'Modelled on CISA BOD 17-01',
        identify: 'Identify affected devices',
        plan: 'Plan the removal',
        remove: 'Remove the product',
      },
    },
    depots: ['Staraya Square depot', 'Ilyinka depot'],
    items: {
      aurora: 'Aurora OS, domestic; the default replacement',
      android: 'Corporate profile under MDM; for staff who need Android apps',
    },
  },
  ru: {
    root: 'Администрация Президента',
    structure: [
      [
        'Управление по внутренней политике',
        [
          'Отдел выборов',
          'Отдел региональной политики',
          'Отдел общественных проектов',
          'Отдел мониторинга',
          'Отдел гражданского общества',
        ],
      ],
      [
        'Управление по внешней политике',
        ['Европейский отдел', 'Азиатский отдел', 'Протокольный отдел'],
      ],
      ['Управление кадров', ['Отдел кадров', 'Отдел наград', 'Отдел государственной службы']],
      ['Пресс-служба', ['Отдел по связям со СМИ', 'Отдел корреспонденции']],
      ['Государственно-правовое управление', ['Отдел законопроектной работы', 'Экспертный отдел']],
      [
        'Контрольное управление',
        ['Инспекционный отдел', 'Отдел обращений граждан', 'Отдел информационной безопасности'],
      ],
    ],
    given: [
      'Алексей',
      'Дмитрий',
      'Сергей',
      'Андрей',
      'Михаил',
      'Иван',
      'Николай',
      'Павел',
      'Юрий',
      'Олег',
      'Анна',
      'Елена',
      'Ольга',
      'Наталья',
      'Ирина',
      'Татьяна',
      'Мария',
      'Светлана',
      'Екатерина',
      'Юлия',
    ],
    family: [
      'Иванов',
      'Смирнов',
      'Кузнецов',
      'Попов',
      'Васильев',
      'Петров',
      'Соколов',
      'Михайлов',
      'Новиков',
      'Фёдоров',
      'Морозов',
      'Волков',
      'Алексеев',
      'Лебедев',
      'Семёнов',
      'Егоров',
      'Павлов',
      'Козлов',
      'Степанов',
      'Николаев',
      'Орлов',
      'Андреев',
      'Макаров',
      'Никитин',
      'Захаров',
    ],
    patronymics: [
      [
        'Александрович',
        'Викторович',
        'Сергеевич',
        'Андреевич',
        'Петрович',
        'Игоревич',
        'Владимирович',
        'Николаевич',
      ],
      [
        'Александровна',
        'Викторовна',
        'Сергеевна',
        'Андреевна',
        'Петровна',
        'Игоревна',
        'Владимировна',
        'Николаевна',
      ],
    ],
    titles: [
      'Главный советник',
      'Советник',
      'Старший консультант',
      'Консультант',
      'Главный специалист',
      'Специалист',
    ],
    heads: {
      administration: 'Руководитель Администрации',
      directorate: 'Начальник управления',
      department: 'Начальник отдела',
    },
    campaignTitle: 'Укажите все устройства, которыми пользуетесь по работе',
    campaignException: 'не ответил на два напоминания',
    mandates: {
      iphone: {
        title: 'Заменить iPhone — сотрудники блока внутренней политики',
        reference: 'Поручение на семинаре для работников блока внутренней политики, март 2023 г.',
        issuedBy: 'Первый заместитель Руководителя Администрации Президента',
        phase: 'Сдать iPhone и получить замену',
      },
      smartphones: {
        title: 'Никаких смартфонов для служебных дел',
        reference: 'Заявление пресс-секретаря, март 2023 г.',
        phase: 'Прекратить пользоваться смартфонами для служебных дел',
      },
      kaspersky: {
        title: 'Удалить продукты под маркой «Лаборатории Касперского»',
        reference: 'По образцу CISA BOD 17-01',
        identify: 'Выявить затронутые устройства',
        plan: 'Спланировать удаление',
        remove: 'Удалить продукт',
      },
    },
    depots: ['Склад на Старой площади', 'Склад на Ильинке'],
    items: {
      aurora: 'ОС «Аврора», отечественная; замена по умолчанию',
      android: 'Корпоративный профиль под MDM; для тех, кому нужны приложения Android',
    },
  },
};

/** A family name as a woman's (Иванов → Иванова, Никитин → Никитина); English keeps it. */
export function familyOf(family: string, woman: boolean, language: Language): string {
  return woman && language === 'ru' && /(ов|ев|ёв|ин)$/.test(family) ? `${family}а` : family;
}

/** A person's full name as written in the language: Russian surname, name, patronymic. */
export function demoName(
  words: DemoWords,
  language: Language,
  given: number,
  family: number,
  n: number,
): string {
  const woman = given >= 10;
  if (language === 'en') return `${words.given[given]} ${words.family[family]}`;
  const patronymics = words.patronymics[woman ? 1 : 0];
  const patronymic = patronymics[n % patronymics.length]!;
  return `${familyOf(words.family[family]!, woman, language)} ${words.given[given]} ${patronymic}`;
}

/** A person's e-mail: the English name in Latin letters, whatever the language of the demo. */
export function demoEmail(given: number, family: number, n: number): string {
  return `${GIVEN_EN[given]!.toLowerCase()}.${FAMILY_EN[family]!.toLowerCase()}.${n}@admin.example`;
}
