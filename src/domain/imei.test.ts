import { describe, expect, it } from 'vitest';
import { readImei } from './imei.js';

describe('IMEIs as people and exports write them', () => {
  it('keeps the digits of a valid IMEI, spaces and dashes dropped', () => {
    expect(readImei('35 345678 901234 8')).toEqual({ imei: '353456789012348' });
    expect(readImei('35-345678-901234-8')).toEqual({ imei: '353456789012348' });
    expect(readImei('35345678901234')).toEqual({ imei: '35345678901234' });
    expect(readImei('3534567890123456')).toEqual({ imei: '3534567890123456' });
  });
  it('refuses a wrong check digit, a wrong length and what Excel made of it, each named', () => {
    expect(readImei('353456789012345')).toMatchObject({ code: 'imei_check_digit' });
    expect(readImei('3534567')).toMatchObject({ code: 'imei_invalid' });
    expect(readImei('35345678901234x')).toMatchObject({ code: 'imei_invalid' });
    expect(readImei('3.56789E+14')).toMatchObject({ code: 'imei_scientific' });
    expect(readImei('3,56789E+14')).toMatchObject({ code: 'imei_scientific' });
  });
});
