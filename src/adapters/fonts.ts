import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** DejaVu Sans from npm: PDFs print Cyrillic without fonts installed on the machine. */
const FONTS = join(
  dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')),
  'ttf',
);

export const BODY_FONT = join(FONTS, 'DejaVuSans.ttf');
export const BOLD_FONT = join(FONTS, 'DejaVuSans-Bold.ttf');
