/**
 * Phone numbers as the app shows them, as whatsapp-web.js 1.34.7 asks for them:
 * `WAWebPhoneUtils.formattedPhoneNumber(jid)` (`'15551234567@s.whatsapp.net'` → `'+1 (555) 123-4567'`)
 * and `WAPhoneFindCC.findCC(digits)` (`'15551234567'` → `'1'`).
 */

/** The two-digit country calling codes; the other codes are `1`, `7` or three digits (ITU-T E.164 codes are prefix-free). */
const TWO_DIGIT = new Set(
  [20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58]
    .concat([60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98])
    .map(String),
);

/** The country calling code a number's digits start with; null for what is not a number. */
export function findCC(digits: unknown): string | null {
  if (typeof digits !== 'string' || !/^[1-9][0-9]{3,14}$/.test(digits)) return null;
  if (digits.startsWith('1') || digits.startsWith('7')) return digits.slice(0, 1);
  const two = digits.slice(0, 2);
  return TWO_DIGIT.has(two) ? two : digits.slice(0, 3);
}

/** The national part in groups: `(555) 123-4567` in the North American plan, else groups of three and a last of up to five. */
function grouped(cc: string, national: string): string {
  if (cc === '1' && national.length === 10) return `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`;
  const groups: string[] = [];
  let rest = national;
  while (rest.length > 5) {
    groups.push(rest.slice(0, 3));
    rest = rest.slice(3);
  }
  if (rest !== '') groups.push(rest);
  return groups.join(' ');
}

/** A user jid (`<digits>@s.whatsapp.net` or `@c.us`) as the app writes the number: `+<cc> <national>`. */
export function formattedPhoneNumber(jid: unknown): string {
  const digits = typeof jid === 'string' ? (jid.split('@')[0] ?? '') : '';
  const cc = findCC(digits);
  if (cc === null) throw new Error(`${String(jid)} is not a phone number`);
  return `+${cc} ${grouped(cc, digits.slice(cc.length))}`;
}

export const phoneNumberModules: Record<string, unknown> = {
  WAWebPhoneUtils: { formattedPhoneNumber },
  WAPhoneFindCC: { findCC },
};
