import { describe, expect, it } from 'vitest';
import { composeDigest, composeMessage } from '../notify.messages.js';
import { CERTIFICATE_WORDS, REPORT_WORDS } from './index.js';
import { MESSAGES } from './messages.js';

/** Every path of leaves in a nested object. */
function paths(o: unknown, prefix = ''): string[] {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return [prefix];
  return Object.entries(o).flatMap(([k, v]) => paths(v, prefix ? `${prefix}.${k}` : k));
}

describe('the server’s texts', () => {
  it('say everything in every language: the same keys in English and Russian', () => {
    for (const catalogue of [MESSAGES, REPORT_WORDS, CERTIFICATE_WORDS])
      expect(paths(catalogue.ru).sort()).toEqual(paths(catalogue.en).sort());
  });

  it('fill a message in the recipient’s language, with its link', () => {
    const facts = {
      to: 'official' as const,
      kind: 'remind' as const,
      mandateTitle: 'Replace iPhones',
      device: 'D1',
      deviceModel: 'iPhone 13',
      owner: { id: 'p1', name: 'Anna' },
      due: '2023-04-01',
      link: 'https://x/console/#/mine',
    };
    // Dates are written the way the language writes them (luxon, with its own spaces).
    const ru = composeMessage(facts, 'ru');
    expect(ru.subject).toMatch(/^Напоминание: Replace iPhones — срок 1 апреля 2023\sг\.$/u);
    expect(ru.text).toMatch(
      /^По распоряжению «Replace iPhones» от вас требуется вывести из служебного использования устройство D1 \(iPhone 13\) до 1 апреля 2023\sг\. включительно\.\n\nПодробнее: https:\/\/x\/console\/#\/mine$/u,
    );
    expect(composeMessage({ ...facts, link: null, deviceModel: null }, 'en').text).toBe(
      'Under "Replace iPhones" you are asked to take device D1 out of official use by the end of April 1, 2023.',
    );
  });

  it('does not read a title as a template', () => {
    const d = composeDigest(
      {
        mandateTitle: '{{units}} $t(details)',
        units: ['Org/A'],
        due: '2023-04-01',
        lines: [{ owner: 'p1', name: 'Anna', device: 'D1', overdue: true }],
        link: null,
      },
      'en',
    );
    expect(d.subject).toBe('Digest: {{units}} $t(details) — 1 open (A)');
    expect(d.text).toContain('- Anna (p1) · D1 · overdue');
  });
});
