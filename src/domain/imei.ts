import type { ProblemCode } from './problem.codes.js';

/** The Luhn digit that completes a 14-digit IMEI body (the weighted sum a multiple of ten). */
export function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/**
 * Reads an IMEI as people and exports write it: spaces and dashes dropped (`35 345678 901234 8`),
 * then 14 digits (no check digit), 15 with a valid Luhn check digit, or 16 (IMEISV). A number
 * Excel wrote in scientific notation (`3.56789E+14`) has lost its digits and is refused, named.
 */
export function readImei(raw: string): { imei: string } | { code: ProblemCode; message: string } {
  const t = raw.trim();
  if (/^\d+(?:[.,]\d+)?e\+?\d+$/i.test(t))
    return {
      code: 'imei_scientific',
      message: 'Excel turned this IMEI into a number and lost its digits: export it as text',
    };
  const digits = t.replace(/[\s-]/g, '');
  if (!/^\d{14,16}$/.test(digits))
    return { code: 'imei_invalid', message: 'an IMEI is 14 to 16 digits' };
  if (digits.length === 15 && luhnDigit(digits.slice(0, 14)) !== digits[14])
    return {
      code: 'imei_check_digit',
      message: 'the last digit of this IMEI does not check (Luhn)',
    };
  return { imei: digits };
}
