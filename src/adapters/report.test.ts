import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MandateStatus } from '../domain/status.rules.js';
import { reportCsv, reportPdf } from './report.js';

const STATUS: MandateStatus = {
  mandate: 'm1',
  title: 'Сдать iPhone',
  version: 2,
  asOf: '2023-04-02T00:00:00.000Z',
  due: '2023-04-01',
  deadline: {
    due: '2023-04-01',
    lastDay: '2023-04-01',
    overdueAt: '2023-04-02T00:00:00.000Z',
    daysLeft: -1,
  },
  devices: {
    pending: 0,
    overdue: 61,
    exempt: 3,
    resolved: 1218,
    lost: 4,
    unknown: 2,
    departed: 5,
    unassigned: 1,
  },
  people: { inScope: 1883, affected: 1282, nonCompliant: 60, overdue: 60 },
  phases: [{ id: 'replace', requires: 'resolve', due: '2023-04-01', state: 'missed' }],
  forecast: { ratePerDay: 2, projectedCompletion: null, onTrack: false },
  units: [
    {
      unit: '=cmd',
      devices: {
        pending: 0,
        overdue: 61,
        exempt: 3,
        resolved: 1218,
        lost: 4,
        unknown: 2,
        departed: 5,
        unassigned: 1,
      },
      people: { inScope: 1883, affected: 1282, nonCompliant: 60, overdue: 60 },
    },
  ],
};

describe('reports', () => {
  it('writes the CSV with the whole organisation first and cells made safe for spreadsheets', () => {
    const lines = reportCsv(STATUS).split('\r\n');
    expect(lines[0]).toBe(
      'mandate,asOf,unit,pending,overdue,exempt,resolved,departed,unassigned,peopleInScope,peopleNonCompliant,unknown',
    );
    expect(lines[1]).toBe('m1,2023-04-02T00:00:00.000Z,,0,61,3,1218,5,1,1883,60,2');
    expect(lines[2]).toBe(`m1,2023-04-02T00:00:00.000Z,"'=cmd",0,61,3,1218,5,1,1883,60,2`);
  });

  it.skipIf(!existsSync('/usr/bin/pdftotext'))(
    'writes the PDF in Russian, Cyrillic included',
    async () => {
      const head = 'ab'.repeat(32);
      const pdf = await reportPdf(STATUS, '2023-04-02', 'ru', new Date('2023-04-05T06:00:00Z'), {
        exemptions: [],
        attestations: [],
        audit: { entries: 1234, head },
      });
      const dir = mkdtempSync(join(tmpdir(), 'phaseout-pdf-'));
      writeFileSync(join(dir, 'r.pdf'), pdf);
      const text = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], {
        encoding: 'utf8',
      });
      expect(text).toContain('Отчёт о выполнении: Сдать iPhone');
      expect(text).toContain('По состоянию на 2 апреля 2023');
      expect(text).toMatch(/Просрочено/);
      expect(text).toMatch(/1\s218/);
      // Departed and unassigned beside resolved (DESIGN §5a).
      expect(text).toMatch(/Выбыли\s+Ни за кем/);
      expect(text).toContain('сорван');
      // The audit log's length and head when the report was made: a checkpoint in print.
      expect(text).toMatch(/Журнал аудита на момент формирования: записей 1\s234, последняя/);
      expect(text.replace(/\s+/g, '')).toContain(head);
    },
  );
  it.skipIf(!existsSync('/usr/bin/pdftotext'))(
    'says "nothing caught yet" for a phase that caught nothing, never "met"',
    async () => {
      const zero = { pending: 0, overdue: 0, exempt: 0, resolved: 0, lost: 0, unknown: 0 };
      const empty = {
        ...STATUS,
        devices: { ...zero, departed: 0, unassigned: 3 },
        phases: [
          {
            id: 'replace',
            requires: 'resolve' as const,
            due: '2023-04-01',
            state: 'met' as const,
            nothingCaught: true,
          },
        ],
        units: [],
      };
      const pdf = await reportPdf(empty, '2023-03-02', 'en', new Date('2023-03-02T06:00:00Z'));
      const dir = mkdtempSync(join(tmpdir(), 'phaseout-pdf-'));
      writeFileSync(join(dir, 'r.pdf'), pdf);
      const text = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], {
        encoding: 'utf8',
      });
      expect(text).toContain('nothing caught yet — replace');
      expect(text).not.toMatch(/\bmet\b/);
      expect(text).toMatch(/Held by nobody[\s\S]*3/);
    },
  );
});
