import { describe, expect, it } from 'vitest';
import { foldText, matchesFolded } from './text.fold.js';

describe('foldText', () => {
  it('folds case in every script', () => {
    for (const s of ['Иванов', 'ИВАНОВ', 'иванов']) expect(foldText(s)).toBe('иванов');
    expect(foldText('ÖZTÜRK')).toBe('ozturk');
  });
  it('reads ё as е and ignores accents, keeping й', () => {
    expect(foldText('Ёлкин')).toBe(foldText('Елкин'));
    expect(foldText('José')).toBe('jose');
    expect(foldText('Йошкар-Ола')).toBe('йошкар-ола');
    expect(foldText('Андрей')).not.toBe(foldText('Андреи'));
  });
  it('folds compatibility forms', () => {
    expect(foldText('ﬁle')).toBe('file');
    expect(foldText('ＩＰＨＯＮＥ')).toBe('iphone');
    expect(foldText('Straße')).toBe('strasse');
  });
});

describe('matchesFolded', () => {
  it('finds every word of the query, in any order and case', () => {
    const name = foldText('Иванов Иван Петрович');
    expect(matchesFolded(name, 'иванов')).toBe(true);
    expect(matchesFolded(name, 'ПЕТРОВИЧ иван')).toBe(true);
    expect(matchesFolded(name, 'Сидоров')).toBe(false);
    expect(matchesFolded(foldText('Елкин Пётр'), 'ёлкин петр')).toBe(true);
  });
});
