import { newPdf } from './pdf.js';
import { REPORT_WORDS } from '../domain/texts/index.js';
import { writeCsv } from './csv-write.js';
import type { Language } from '../domain/notify.messages.js';
import type { MandateStatus } from '../domain/status.rules.js';

/** What oversight asks for beside the numbers: exemptions in force and attestations as of the day. */
export interface ReportEvidence {
  exemptions: {
    device: string | null;
    person: string | null;
    ground: string;
    until: string;
    decidedBy: string | null;
  }[];
  attestations: {
    phase: string;
    unit: string | null;
    person: string | null;
    byName: string;
    at: string;
    note: string | null;
  }[];
  /** Declaration campaigns asking people of the mandate's scope, with their progress. */
  campaigns?: ReportCampaign[];
  /** The audit log when the report was made: its length and head (a checkpoint in print). */
  audit?: { entries: number; head: string | null };
}

/** A declaration campaign's progress as the report shows it. */
export interface ReportCampaign {
  id: string;
  title: string;
  due: string;
  people: number;
  confirmed: number;
  inProgress: number;
  notStarted: number;
  late: number;
  devicesDeclared: number;
  units?: {
    unit: string;
    people: number;
    confirmed: number;
    inProgress: number;
    notStarted: number;
  }[];
  attestations: { unit: string }[];
}

const fill = (template: string, values: Record<string, string>): string =>
  template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');

const day = (iso: string, lang: Language) =>
  new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${iso.slice(0, 10)}T00:00:00Z`),
  );

/** The report's CSV: one line per unit with its counts (the whole organisation first). */
export function reportCsv(s: MandateStatus): string {
  const head = [
    'mandate',
    'asOf',
    'unit',
    'pending',
    'overdue',
    'exempt',
    'resolved',
    'departed',
    'unassigned',
    'peopleInScope',
    'peopleNonCompliant',
    'unknown',
  ];
  const line = (unit: string, d: MandateStatus['devices'], p: MandateStatus['people']) => [
    s.mandate,
    s.asOf,
    unit,
    d.pending,
    d.overdue,
    d.exempt,
    d.resolved,
    d.departed,
    d.unassigned,
    p.inScope,
    p.nonCompliant,
    d.unknown,
  ];
  return writeCsv(
    head,
    [
      line('', s.devices, s.people),
      ...(s.units ?? []).map((u) =>
        line(u.unit, u.devices, {
          ...s.people,
          inScope: u.people.inScope,
          nonCompliant: u.people.nonCompliant,
        }),
      ),
    ],
    '\r\n',
  );
}

const MAX_UNIT_ROWS = 300;

/** The report's PDF: counts, phases and the units table, in `lang`, with a font that has Cyrillic. */
export async function reportPdf(
  s: MandateStatus,
  day0: string,
  lang: Language,
  generatedAt: Date,
  evidence?: ReportEvidence,
): Promise<Buffer> {
  const w = REPORT_WORDS[lang];
  const num = new Intl.NumberFormat(lang);
  const { doc, done } = await newPdf(`${w.title}: ${s.title} (${day0})`);

  doc.font('bold').fontSize(18).text(`${w.title}: ${s.title}`);
  doc
    .font('body')
    .fontSize(11)
    .fillColor('#444')
    .text(
      `${s.mandate} · ${w.version} ${s.version} · ${w.asOf} ${day(day0, lang)} · ${
        s.due ? `${w.due} ${day(s.due, lang)}` : w.noDue
      }`,
    )
    .moveDown();

  doc.fillColor('#000').font('bold').fontSize(13).text(w.devices).moveDown(0.3);
  const counts: [string, number][] = [
    [w.pending, s.devices.pending],
    [w.overdue, s.devices.overdue],
    [w.exempt, s.devices.exempt],
    [w.resolved, s.devices.resolved],
    [w.departed, s.devices.departed],
    [w.unassigned, s.devices.unassigned],
    [w.unknown, s.devices.unknown],
    [w.people, s.people.nonCompliant],
  ];
  // Four counts a row, so that each label has room in either language.
  const perRow = 4;
  const colW = (doc.page.width - 100) / perRow;
  let top = doc.y;
  counts.forEach(([label, n], i) => {
    if (i > 0 && i % perRow === 0) top += 56;
    const x = 50 + (i % perRow) * colW;
    doc
      .font('body')
      .fontSize(9)
      .fillColor('#555')
      .text(label, x, top, { width: colW - 8 });
    doc
      .font('bold')
      .fontSize(20)
      .fillColor('#000')
      .text(num.format(n), x, top + 24, { width: colW - 8 });
  });
  doc.x = 50;
  doc.y = top + 60;

  doc.font('bold').fontSize(13).text(w.phases).moveDown(0.3);
  for (const p of s.phases)
    doc
      .font('body')
      .fontSize(10)
      .text(
        `${p.nothingCaught ? w.nothingCaught : w.state[p.state]} — ${p.title ?? p.id}${p.due ? ` (${w.due} ${day(p.due, lang)}${p.graceEnds ? `, ${w.grace} ${day(p.graceEnds, lang)}` : ''})` : ''}${
          p.required !== undefined ? ` · ${p.attested ?? 0} / ${p.required}` : ''
        }`,
      );
  doc.moveDown();

  const units = s.units ?? [];
  if (units.length > 0) {
    doc.font('bold').fontSize(13).text(w.byUnit).moveDown(0.3);
    const cols = [
      w.unit,
      w.pending,
      w.overdue,
      w.exempt,
      w.resolved,
      w.departed,
      w.unknown,
      w.people,
    ];
    const widths = [110, 55, 55, 55, 55, 55, 55, 55];
    const row = (cells: string[], font: 'body' | 'bold') => {
      if (doc.y > doc.page.height - 80) doc.addPage();
      const y = doc.y;
      let x = 50;
      let h = 0;
      cells.forEach((c, i) => {
        doc
          .font(font)
          .fontSize(font === 'bold' ? 7 : 8)
          .text(c, x, y, { width: widths[i]! - 4, align: i ? 'right' : 'left' });
        h = Math.max(h, doc.y - y);
        x += widths[i]!;
      });
      doc.x = 50;
      doc.y = y + h + 3;
    };
    row(cols, 'bold');
    for (const u of units.slice(0, MAX_UNIT_ROWS))
      row(
        [
          u.unit,
          num.format(u.devices.pending),
          num.format(u.devices.overdue),
          num.format(u.devices.exempt),
          num.format(u.devices.resolved),
          num.format(u.devices.departed),
          num.format(u.devices.unknown),
          num.format(u.people.nonCompliant),
        ],
        'body',
      );
    if (units.length > MAX_UNIT_ROWS)
      doc
        .font('body')
        .fontSize(9)
        .text(w.more.replace('{n}', String(units.length - MAX_UNIT_ROWS)));
  }
  if (evidence) {
    doc.addPage();
    doc.font('bold').fontSize(16).fillColor('#000').text(w.evidence).moveDown(0.5);
    const table = (cols: readonly string[], widths: number[], rows: string[][], empty: string) => {
      if (rows.length === 0) {
        doc.font('body').fontSize(10).text(empty).moveDown();
        return;
      }
      for (const [i, cells] of [[...cols], ...rows].entries()) {
        if (doc.y > doc.page.height - 80) doc.addPage();
        const y = doc.y;
        let x = 50;
        let h = 0;
        cells.forEach((c, k) => {
          doc
            .font(i === 0 ? 'bold' : 'body')
            .fontSize(8)
            .text(c, x, y, { width: widths[k]! - 4 });
          h = Math.max(h, doc.y - y);
          x += widths[k]!;
        });
        doc.x = 50;
        doc.y = y + h + 3;
      }
      doc.moveDown();
    };
    doc.font('bold').fontSize(13).text(w.exemptionsInForce).moveDown(0.3);
    table(
      w.exemptCol,
      [170, 110, 90, 125],
      evidence.exemptions.map((e) => [
        e.device ?? e.person ?? '',
        e.ground,
        day(e.until, lang),
        e.decidedBy ?? '',
      ]),
      w.noExemptions,
    );
    doc.font('bold').fontSize(13).text(w.attestations).moveDown(0.3);
    table(
      w.attestCol,
      [70, 150, 95, 80, 100],
      evidence.attestations.map((a) => [
        a.phase,
        a.unit ?? a.person ?? '',
        a.byName,
        day(a.at, lang),
        a.note ?? '',
      ]),
      w.noAttestations,
    );
    doc.font('body').fontSize(9).fillColor('#555').text(w.registerNote, 50);
    if (evidence.campaigns && evidence.campaigns.length > 0) {
      doc.moveDown().font('bold').fontSize(13).fillColor('#000').text(w.declarations, 50);
      doc.moveDown(0.3);
      for (const c of evidence.campaigns) {
        doc
          .font('body')
          .fontSize(10)
          .text(
            fill(w.campaignLine, {
              title: c.title,
              due: day(c.due, lang),
              confirmed: num.format(c.confirmed),
              people: num.format(c.people),
              late: num.format(c.late),
              inProgress: num.format(c.inProgress),
              notStarted: num.format(c.notStarted),
              devices: num.format(c.devicesDeclared),
            }),
            50,
          )
          .moveDown(0.3);
        table(
          w.campaignCol,
          [215, 70, 70, 70, 70],
          (c.units ?? [])
            .slice(0, MAX_UNIT_ROWS)
            .map((u) => [
              u.unit,
              num.format(u.people),
              num.format(u.confirmed),
              num.format(u.inProgress),
              num.format(u.notStarted),
            ]),
          '',
        );
        if (c.attestations.length > 0)
          doc
            .font('body')
            .fontSize(9)
            .text(
              fill(w.campaignAttested, { units: c.attestations.map((a) => a.unit).join('; ') }),
              50,
            )
            .moveDown();
      }
    }
  }
  doc
    .moveDown()
    .font('body')
    .fontSize(8)
    .fillColor('#777')
    .text(`${w.generated} ${generatedAt.toISOString()}`, 50);
  if (evidence?.audit)
    doc.text(
      `${w.auditLog.replace('{n}', num.format(evidence.audit.entries))} ${evidence.audit.head ?? '—'}`,
      50,
    );
  doc.end();
  return done;
}
