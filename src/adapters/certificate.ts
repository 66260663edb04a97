import type { Language } from '../domain/texts/languages.js';
import { newPdf } from './pdf.js';
import { CERTIFICATE_WORDS } from '../domain/texts/index.js';

/** What the certificate shows: a verified sanitisation record with NIST SP 800-88 Appendix G fields. */
export interface CertificateRecord {
  certificate: string;
  method: 'clear' | 'purge' | 'destroy';
  technique: string;
  tool: string;
  verification: string;
  destination: string;
  performedOn: string;
  place: string | null;
  notes: string | null;
  operator: string;
  operatorName: string;
  operatorRole: string;
  recordedAt: string;
  verifier: string | null;
  verifierName: string | null;
  verifierRole: string | null;
  verifiedAt: string | null;
  devices: { id: string; description: string; mediaType: string; source: string }[];
}

/** The certificate of a verified sanitisation record, with a font that has Cyrillic. */
export async function certificatePdf(s: CertificateRecord, lang: Language): Promise<Buffer> {
  const w = CERTIFICATE_WORDS[lang];
  const { doc, done } = await newPdf(`${w.title} ${s.certificate}`);
  const at = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  const heading = (text: string) => {
    if (doc.y > doc.page.height - 140) doc.addPage();
    doc.moveDown(0.6).font('bold').fontSize(12).fillColor('#000').text(text, 50).moveDown(0.2);
  };
  const field = (label: string, value: string) => {
    const y = doc.y;
    doc.font('body').fontSize(9).fillColor('#555').text(label, 50, y, { width: 170 });
    const h = doc.y - y;
    doc.font('bold').fontSize(10).fillColor('#000').text(value, 225, y, { width: 320 });
    doc.x = 50;
    doc.y = y + Math.max(h, doc.y - y) + 3;
  };

  doc.font('bold').fontSize(19).text(w.title);
  doc.font('body').fontSize(9).fillColor('#555').text(w.basis).moveDown(0.3);
  field(w.number, s.certificate);

  heading(w.performer);
  field(w.name, `${s.operatorName} (${s.operator})`);
  field(w.role, s.operatorRole);
  if (s.place) field(w.place, s.place);

  heading(`${w.media} (${s.devices.length})`);
  const widths = [90, 205, 95, 105];
  const row = (cells: string[], font: 'body' | 'bold') => {
    if (doc.y > doc.page.height - 100) doc.addPage();
    const y = doc.y;
    let x = 50;
    let h = 0;
    cells.forEach((c, i) => {
      doc
        .font(font)
        .fontSize(8)
        .fillColor('#000')
        .text(c, x, y, { width: widths[i]! - 5 });
      h = Math.max(h, doc.y - y);
      x += widths[i]!;
    });
    doc.x = 50;
    doc.y = y + h + 3;
  };
  row([...w.mediaCols], 'bold');
  for (const d of s.devices)
    row([d.id, d.description, w.mediaTypes[d.mediaType] ?? d.mediaType, d.source || '—'], 'body');

  heading(w.details);
  field(w.methodType, w.methods[s.method]);
  field(w.technique, s.technique);
  field(w.tool, s.tool);
  field(w.verification, w.verifications[s.verification] ?? s.verification);
  field(w.destination, w.destinations[s.destination] ?? s.destination);
  field(w.performedOn, s.performedOn);
  if (s.notes) field(w.notes, s.notes);

  heading(w.validation);
  field(w.name, s.verifierName ? `${s.verifierName} (${s.verifier ?? ''})` : '—');
  field(w.role, s.verifierRole ?? '—');
  field(w.date, s.verifiedAt ? at(s.verifiedAt) : '—');

  if (doc.y > doc.page.height - 150) doc.addPage();
  doc.moveDown(1.5);
  const top = doc.y;
  const sign = (x: number, label: string, name: string, when: string) => {
    doc.font('body').fontSize(9).fillColor('#555').text(label, x, top, { width: 230 });
    doc.font('bold').fontSize(10).fillColor('#000').text(name, x, doc.y, { width: 230 });
    doc.font('body').fontSize(9).text(`${w.date}: ${when}`, x, doc.y, { width: 230 });
    const lineY = doc.y + 28;
    doc
      .moveTo(x, lineY)
      .lineTo(x + 210, lineY)
      .strokeColor('#000')
      .lineWidth(0.7)
      .stroke();
    doc
      .font('body')
      .fontSize(8)
      .fillColor('#555')
      .text(w.signature, x, lineY + 3, { width: 230 });
  };
  sign(50, w.performedBy, s.operatorName, at(s.recordedAt));
  sign(310, w.validatedBy, s.verifierName ?? '', s.verifiedAt ? at(s.verifiedAt) : '');
  doc.x = 50;
  doc.y = top + 90;
  doc
    .font('body')
    .fontSize(8)
    .fillColor('#777')
    .text(`${w.generated} ${new Date().toISOString().slice(0, 10)}`, 50);
  doc.end();
  return done;
}
