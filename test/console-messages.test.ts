import type { Language } from '../src/domain/texts/languages.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { messages } from '../web/src/messages.js';
import { PROBLEM_CODES } from '../src/domain/problem.codes.js';
import { ERROR_CODES } from '../src/domain/errors.js';

const WEB = join(import.meta.dirname, '..', 'web', 'src');
const base = (k: string) => k.replace(/_(zero|one|two|few|many|other)$/, '');
const keys = (lang: Language) => new Set(Object.keys(messages[lang].translation).map(base));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : /\.tsx?$/.test(e.name)
        ? [readFileSync(join(dir, e.name), 'utf8')]
        : [],
  );
}

describe('the console’s messages', () => {
  it('English and Russian have the same messages', () => {
    expect([...keys('ru')].sort()).toEqual([...keys('en')].sort());
  });

  it('every message the console asks for by name exists', () => {
    const asked = new Set(
      sources(WEB).flatMap((s) => [...s.matchAll(/\bt\(\s*'([A-Za-z0-9_]+)'/g)].map((m) => m[1]!)),
    );
    expect(asked.size).toBeGreaterThan(50);
    const raw = Object.keys(messages.en.translation);
    const en = new Set([...raw, ...raw.map(base)]);
    expect([...asked].filter((k) => !en.has(k))).toEqual([]);
  });

  it('every problem the server names has a text in both languages, with the same placeholders', () => {
    const holes = (t: string) => [...t.matchAll(/\{\{(\w+)/g)].map((m) => m[1]).sort();
    for (const code of PROBLEM_CODES)
      for (const lang of ['en', 'ru'] as const) {
        const text = (messages[lang].translation as Record<string, string>)[`problem_${code}`];
        expect(text, `${lang} problem_${code}`).toBeTruthy();
        const en = (messages.en.translation as Record<string, string>)[`problem_${code}`]!;
        expect(holes(text!), `${lang} problem_${code}`).toEqual(holes(en));
      }
    // And no text for a problem nobody names.
    const named = new Set<string>(PROBLEM_CODES);
    const texts = Object.keys(messages.en.translation)
      .filter((k) => k.startsWith('problem_'))
      .map((k) => k.slice('problem_'.length));
    expect(texts.filter((c) => !named.has(c))).toEqual([]);
  });

  it('every refusal has a heading in both languages', () => {
    for (const code of ERROR_CODES)
      for (const lang of ['en', 'ru'] as const)
        expect(
          (messages[lang].translation as Record<string, string>)[`err_${code}`],
          `${lang} err_${code}`,
        ).toBeTruthy();
  });
});
