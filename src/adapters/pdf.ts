import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** DejaVu Sans from npm: PDFs print Cyrillic without fonts installed on the machine. */
const FONTS = join(
  dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')),
  'ttf',
);

/**
 * An A4 document with the fonts `body` and `bold` registered, and its bytes once `end()` is
 * called. pdfkit is loaded here, when a PDF is made, not at every start of the command line.
 */
export async function newPdf(title: string) {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: title, Producer: 'phaseout', Creator: 'phaseout' },
  });
  doc.registerFont('body', join(FONTS, 'DejaVuSans.ttf'));
  doc.registerFont('bold', join(FONTS, 'DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) =>
    doc.on('end', () => resolve(Buffer.concat(chunks))),
  );
  return { doc, done };
}
