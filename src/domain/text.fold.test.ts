import { describe, expect, it } from 'vitest';
import {
  deviceSearchText,
  foldText,
  matchesFolded,
  personSearchText,
  wordPatterns,
} from './text.fold.js';

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

describe('search texts', () => {
  it('a person is found by any word of their name, id or e-mail, in any case', () => {
    const text = personSearchText({
      id: 'P1',
      name: 'Иванов Иван Петрович',
      email: 'I.Ivanov@gov.example',
    });
    for (const q of ['иванов', 'ИВАНОВ', 'Иванов', 'иван петрович', 'i.ivanov@', 'p1'])
      expect(matchesFolded(text, q), q).toBe(true);
  });
  it('a device by maker, model, serial or IMEI', () => {
    const text = deviceSearchText({
      id: 'D1',
      manufacturer: 'Apple',
      model: 'iPhone 14',
      serial: 'F2LXK0',
      imei: null,
    });
    expect(matchesFolded(text, 'APPLE iphone')).toBe(true);
    expect(matchesFolded(text, 'f2lx')).toBe(true);
  });
  it('takes % and _ in a search literally, one pattern a word', () => {
    expect(wordPatterns(' 50%_x  Ёлкин ')).toEqual(['%50\\%\\_x%', '%елкин%']);
  });
});
