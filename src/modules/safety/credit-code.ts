/**
 * 统一社会信用代码 (unified social credit code, GB 32100-2015): the 18-character code of every legal
 * entity, checked by the standard's check character. Pure.
 *
 * Layout: 1 registration authority (登记管理部门码), 2 entity type (机构类别码), 3–8 administrative division
 * (登记管理机关行政区划码, six digits), 9–17 organisation code (主体标识码, GB 11714), 18 check character (校验码).
 * The alphabet is the digits and the capitals without I, O, Z, S, V (31 characters, values 0–30).
 * Check: C18 = 31 − (Σ value(Ci) × Wi mod 31), with Wi = 3^(i−1) mod 31, and 31 written as 0.
 */

/** The 31 characters of GB 32100, in value order. */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** Weights of positions 1–17 (3^(i−1) mod 31, as printed in the standard). */
export const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/** Why a code is refused, or null when it is valid. */
export type CreditCodeProblem = 'length' | 'character' | 'division' | 'check';

/** The check character the first 17 characters call for (the caller has checked the alphabet). */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++)
    sum += CREDIT_CODE_ALPHABET.indexOf(first17[i] as string) * (CREDIT_CODE_WEIGHTS[i] as number);
  const c = (31 - (sum % 31)) % 31;
  return CREDIT_CODE_ALPHABET[c] as string;
}

/** Upper-cases and strips spaces: how a code typed by a person is compared. */
export function normaliseCreditCode(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

/** What is wrong with a (normalised) code, or null when it is valid. */
export function creditCodeProblem(code: string): CreditCodeProblem | null {
  if (code.length !== 18) return 'length';
  for (const ch of code) if (!CREDIT_CODE_ALPHABET.includes(ch)) return 'character';
  if (!/^\d{6}$/.test(code.slice(2, 8))) return 'division';
  return creditCodeCheckChar(code.slice(0, 17)) === code[17] ? null : 'check';
}

export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(code) === null;
}
