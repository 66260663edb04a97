import type { ProblemCode } from './problem.codes.js';

/** Luhn's check: the last digit of a 15-digit IMEI makes the weighted sum a multiple of ten. */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
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
  if (digits.length === 15 && !luhn(digits))
    return {
      code: 'imei_check_digit',
      message: 'the last digit of this IMEI does not check (Luhn)',
    };
  return { imei: digits };
}
