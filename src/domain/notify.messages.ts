import { DateTime } from 'luxon';
import type { Recipient } from './notify.rules.js';
import { messagesIn, type Language } from './texts/index.js';

export type { Language };

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

type Text = { subject: string; text: string };

/** "Details: LINK" after a message's text, when there is a link. */
const details = (lang: Language, link: string | null) =>
  link ? messagesIn(lang)('details', { link }) : '';

const withModel = (lang: Language, device: string, model: string | null) =>
  model ? messagesIn(lang)('deviceWithModel', { device, model }) : device;

/** Subject and text of a notification, in the recipient's language. */
export function composeMessage(f: MessageFacts, lang: Language): Text {
  const t = messagesIn(lang);
  const p = {
    mandate: f.mandateTitle,
    device: withModel(lang, f.device, f.deviceModel),
    due: day(f.due, lang),
    name: f.owner.name,
    id: f.owner.id,
  };
  return {
    subject: t(`finding.${f.kind}.subject`, p),
    text: t(`finding.${f.kind}.text`, p) + details(lang, f.link),
  };
}

/** A reminder to confirm receipt of a replacement device that was handed over. */
export function composeReceipt(
  f: { newDevice: string; model: string | null; issuedOn: string; link: string | null },
  lang: Language,
): Text {
  const t = messagesIn(lang);
  const on = day(f.issuedOn, lang);
  return {
    subject: t('receipt.subject', { device: f.newDevice }),
    text:
      t('receipt.text', { device: withModel(lang, f.newDevice, f.model), on }) +
      details(lang, f.link),
  };
}

/** Telling an official their replacement is approved and where to collect it. */
export function composeCollect(
  f: { newDevice: string; model: string | null; location: string | null; link: string | null },
  lang: Language,
): Text {
  const t = messagesIn(lang);
  const device = f.model ? `${f.model} (${f.newDevice})` : f.newDevice;
  return {
    subject: t('collect.subject', { model: f.model ?? f.newDevice }),
    text:
      t('collect.text', { device }) +
      (f.location ? t('collect.where', { location: f.location }) : '') +
      t('collect.bring') +
      details(lang, f.link),
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
export function composeDigest(f: DigestFacts, lang: Language): Text {
  const t = messagesIn(lang);
  const p = {
    mandate: f.mandateTitle,
    due: day(f.due, lang),
    units: f.units.map((u) => u.split('/').at(-1)).join(', '),
    count: f.lines.length,
  };
  const list = f.lines
    .map(
      (l) =>
        `- ${l.name} (${l.owner}) · ${l.device} · ${t(l.overdue ? 'digest.overdue' : 'digest.pending')}`,
    )
    .join('\n');
  return {
    subject: t('digest.subject', p),
    text: `${t('digest.text', p)}\n\n${list}${details(lang, f.link)}`,
  };
}

/** The mail that carries a recurring report. */
export function composeReport(
  f: {
    mandateTitle: string;
    day: string;
    devices: {
      pending: number;
      overdue: number;
      exempt: number;
      resolved: number;
      departed: number;
      unassigned: number;
    };
    people: { nonCompliant: number };
    /** Nothing was ever caught up to the day (DESIGN §5a). */
    nothingCaught?: boolean;
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
): Text {
  const t = messagesIn(lang);
  const p = { mandate: f.mandateTitle, day: day(f.day, lang) };
  const campaigns = (f.campaigns ?? []).map((x) =>
    t('report.campaign', { ...x, due: day(x.due, lang) }),
  );
  return {
    subject: t('report.subject', p),
    text:
      t('report.text', { ...p, ...f.devices, people: f.people.nonCompliant }) +
      (f.nothingCaught ? t('report.nothingCaught') : '') +
      campaigns.join('') +
      t('report.attached'),
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
export function composeCampaignMessage(f: CampaignMessageFacts, lang: Language): Text {
  const t = messagesIn(lang);
  const p = { title: f.campaignTitle, due: day(f.due, lang), name: f.person.name, id: f.person.id };
  return {
    subject: t(`campaign.${f.kind}.subject`, p),
    text: t(`campaign.${f.kind}.text`, p) + details(lang, f.link),
  };
}
