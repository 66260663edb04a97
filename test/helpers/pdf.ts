import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHOTS } from './browser.js';

/** Poppler's tools are there (CI installs them): PDFs are read and rendered for a look. */
export const pdfTools = existsSync('/usr/bin/pdftoppm') && existsSync('/usr/bin/pdftotext');
if (!pdfTools && process.env.CI === 'true') throw new Error('CI needs poppler-utils');
if (!pdfTools) console.warn('\n*** PDF rendering SKIPPED: no pdftoppm/pdftotext ***\n');

/** The text of a PDF, and a PNG of its first page saved as `test-output/screenshots/NAME.png`. */
export function readPdf(pdf: Uint8Array, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'phaseout-pdf-'));
  const file = join(dir, 'doc.pdf');
  writeFileSync(file, pdf);
  mkdirSync(SHOTS, { recursive: true });
  execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', file, join(SHOTS, name)]);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}
