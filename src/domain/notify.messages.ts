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
