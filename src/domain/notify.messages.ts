import { DateTime } from 'luxon';
import type { Recipient } from './notify.rules.js';

export type Language = 'en' | 'ru';

/** What a message is about. */
export interface MessageFacts {
  to: Recipient;
  kind: 'remind' | 'escalate';
  mandateTitle: string;
  device: string;
  deviceModel: string | null;
  owner: { id: string; name: string };
  /** The due date (a day). */
  due: string;
  link: string | null;
}

const day = (d: string, lang: Language) =>
  DateTime.fromISO(d, { zone: 'UTC' }).setLocale(lang).toLocaleString(DateTime.DATE_FULL);

/** Subject and text of a notification, in the recipient's language. */
export function composeMessage(f: MessageFacts, lang: Language): { subject: string; text: string } {
  const device = f.deviceModel ? `${f.device} (${f.deviceModel})` : f.device;
  const due = day(f.due, lang);
  const link = f.link
    ? lang === 'ru'
      ? `\n\nПодробнее: ${f.link}`
      : `\n\nDetails: ${f.link}`
    : '';
  if (lang === 'ru') {
    if (f.kind === 'remind')
      return {
        subject: `Напоминание: ${f.mandateTitle} — срок ${due}`,
        text: `По распоряжению «${f.mandateTitle}» от вас требуется вывести из служебного использования устройство ${device} до ${due} включительно.${link}`,
      };
    return {
      subject: `Просрочено: ${f.owner.name} — ${f.mandateTitle}`,
      text: `${f.owner.name} (${f.owner.id}) не выполнил(а) распоряжение «${f.mandateTitle}» по устройству ${device}; срок истёк ${due}.${link}`,
    };
  }
  if (f.kind === 'remind')
    return {
      subject: `Reminder: ${f.mandateTitle} — due ${due}`,
      text: `Under "${f.mandateTitle}" you are asked to take device ${device} out of official use by the end of ${due}.${link}`,
    };
  return {
    subject: `Overdue: ${f.owner.name} — ${f.mandateTitle}`,
    text: `${f.owner.name} (${f.owner.id}) has not complied with "${f.mandateTitle}" for device ${device}; it was due on ${due}.${link}`,
  };
}

/** A reminder to confirm receipt of a replacement device that was handed over. */
export function composeReceipt(
  f: { newDevice: string; model: string | null; issuedOn: string; link: string | null },
  lang: Language,
): { subject: string; text: string } {
  const device = f.model ? `${f.newDevice} (${f.model})` : f.newDevice;
  const on = day(f.issuedOn, lang);
  if (lang === 'ru')
    return {
      subject: `Подтвердите получение устройства ${f.newDevice}`,
      text: `${on} вам выдано устройство ${device} на замену. Подтвердите получение на своей странице.${f.link ? `\n\nПодробнее: ${f.link}` : ''}`,
    };
  return {
    subject: `Please confirm you received ${f.newDevice}`,
    text: `Device ${device} was handed to you as a replacement on ${on}. Please confirm you received it on your page.${f.link ? `\n\nDetails: ${f.link}` : ''}`,
  };
}

/** Telling an official their replacement is approved and where to collect it. */
export function composeCollect(
  f: { newDevice: string; model: string | null; location: string | null; link: string | null },
  lang: Language,
): { subject: string; text: string } {
  const device = f.model ? `${f.model} (${f.newDevice})` : f.newDevice;
  if (lang === 'ru')
    return {
      subject: `Замена одобрена: ${f.model ?? f.newDevice}`,
      text: `Ваша заявка на замену одобрена: для вас зарезервировано устройство ${device}.${f.location ? ` Получить его можно: ${f.location}.` : ''} Принесите старое устройство — его примут в тот же момент.${f.link ? `\n\nПодробнее: ${f.link}` : ''}`,
    };
  return {
    subject: `Replacement approved: ${f.model ?? f.newDevice}`,
    text: `Your replacement request is approved: ${device} is reserved for you.${f.location ? ` Collect it at ${f.location}.` : ''} Bring your old device; it is taken back at the same time.${f.link ? `\n\nDetails: ${f.link}` : ''}`,
  };
}

/** What a unit head's digest lists. */
export interface DigestFacts {
  mandateTitle: string;
  units: string[];
  due: string;
  lines: { owner: string; name: string; device: string; overdue: boolean }[];
  link: string | null;
}

/** A unit head's digest of their stragglers, in their language. */
export function composeDigest(f: DigestFacts, lang: Language): { subject: string; text: string } {
  const due = day(f.due, lang);
  const units = f.units.map((u) => u.split('/').at(-1)).join(', ');
  const n = f.lines.length;
  const list = f.lines
    .map(
      (l) =>
        `- ${l.name} (${l.owner}) · ${l.device} · ${
          l.overdue
            ? lang === 'ru'
              ? 'просрочено'
              : 'overdue'
            : lang === 'ru'
              ? 'ожидается'
              : 'pending'
        }`,
    )
    .join('\n');
  const link = f.link
    ? lang === 'ru'
      ? `\n\nПодробнее: ${f.link}`
      : `\n\nDetails: ${f.link}`
    : '';
  if (lang === 'ru')
    return {
      subject: `Сводка: ${f.mandateTitle} — не выполнено: ${n} (${units})`,
      text: `Распоряжение «${f.mandateTitle}», срок ${due}. Не выполнено в ваших подразделениях (${units}): ${n}.\n\n${list}${link}`,
    };
  return {
    subject: `Digest: ${f.mandateTitle} — ${n} open (${units})`,
    text: `"${f.mandateTitle}", due ${due}. Open in your units (${units}): ${n}.\n\n${list}${link}`,
  };
}

/** The mail that carries a recurring report. */
export function composeReport(
  f: {
    mandateTitle: string;
    day: string;
    devices: { pending: number; overdue: number; exempt: number; resolved: number };
    people: { nonCompliant: number };
    /** Declaration campaigns asking people of the mandate's scope. */
    campaigns?: readonly {
      title: string;
      due: string;
      people: number;
      confirmed: number;
      late: number;
    }[];
  },
  lang: Language,
): { subject: string; text: string } {
  const d = day(f.day, lang);
  const c = f.devices;
  const campaigns = (f.campaigns ?? []).map((x) =>
    lang === 'ru'
      ? `\nДекларация «${x.title}» (срок ${day(x.due, lang)}): подтвердили ${x.confirmed} из ${x.people}, из них с опозданием ${x.late}.`
      : `\nDeclaration "${x.title}" (due ${day(x.due, lang)}): ${x.confirmed} of ${x.people} confirmed, ${x.late} of them late.`,
  );
  if (lang === 'ru')
    return {
      subject: `Отчёт: ${f.mandateTitle} — ${d}`,
      text: `Отчёт о выполнении распоряжения «${f.mandateTitle}» по состоянию на ${d}: ожидается ${c.pending}, просрочено ${c.overdue}, исключений ${c.exempt}, выполнено ${c.resolved}; людей не выполнили: ${f.people.nonCompliant}.${campaigns.join('')}\nPDF и CSV во вложении.`,
    };
  return {
    subject: `Status report: ${f.mandateTitle} — ${d}`,
    text: `Status of "${f.mandateTitle}" as of ${d}: pending ${c.pending}, overdue ${c.overdue}, exempt ${c.exempt}, resolved ${c.resolved}; people not compliant: ${f.people.nonCompliant}.${campaigns.join('')}\nThe PDF and the CSV are attached.`,
  };
}

/** What a declaration campaign message says: whose declaration, which campaign, by when. */
export interface CampaignMessageFacts {
  kind: 'remind' | 'escalate';
  campaignTitle: string;
  person: { id: string; name: string };
  due: string;
  link: string | null;
}

/** Subject and text of a declaration reminder or escalation, in the recipient's language. */
export function composeCampaignMessage(
  f: CampaignMessageFacts,
  lang: Language,
): { subject: string; text: string } {
  const due = day(f.due, lang);
  const link = f.link
    ? lang === 'ru'
      ? `\n\nПодробнее: ${f.link}`
      : `\n\nDetails: ${f.link}`
    : '';
  if (lang === 'ru')
    return f.kind === 'remind'
      ? {
          subject: `Напоминание: ${f.campaignTitle} — срок ${due}`,
          text: `Укажите все устройства, которые вы используете для работы, и подтвердите, что список полон, до ${due} включительно («${f.campaignTitle}»).${link}`,
        }
      : {
          subject: `Не подтверждено: ${f.person.name} — ${f.campaignTitle}`,
          text: `${f.person.name} (${f.person.id}) не подтвердил(а) декларацию устройств «${f.campaignTitle}»; срок истёк ${due}.${link}`,
        };
  return f.kind === 'remind'
    ? {
        subject: `Reminder: ${f.campaignTitle} — due ${due}`,
        text: `Please declare every device you use for work and confirm that your list is complete by the end of ${due} ("${f.campaignTitle}").${link}`,
      }
    : {
        subject: `Not confirmed: ${f.person.name} — ${f.campaignTitle}`,
        text: `${f.person.name} (${f.person.id}) has not confirmed their declaration of devices for "${f.campaignTitle}"; it was due ${due}.${link}`,
      };
}
