import type { Language } from '../src/domain/texts/languages.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { messages } from '../web/src/messages.js';

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
});
