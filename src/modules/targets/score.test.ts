import { describe, expect, it } from 'vitest';
import {
  combineScores,
  type LabelledItem,
  normalizeUnit,
  type PredictedItem,
  parseLabelledJsonl,
  scoreItems,
} from './score.js';

const DOC = '新建社区食堂12个，改造背街小巷12条。新建社区食堂12个。';

function gold(quote: string, over: Partial<LabelledItem> = {}): LabelledItem {
  return { doc: '900', kind: 'target', value: 12, value_max: null, unit: '个', quote, ...over };
}

function predicted(quote: string, over: Partial<PredictedItem> = {}, from = 0): PredictedItem {
  const start = DOC.indexOf(quote, from);
  if (start < 0) throw new Error(`"${quote}" is not in the test document`);
  return {
    kind: 'target',
    value: 12,
    value_max: null,
    unit: '个',
    start,
    end: start + quote.length,
    ...over,
  };
}

describe('scoreItems', () => {
  it('matches equal key fields over overlapping ranges', () => {
    const s = scoreItems([gold('新建社区食堂12个')], [predicted('社区食堂12个')], DOC);
    expect(s).toMatchObject({ matched: 1, predicted: 1, labelled: 1, precision: 1, recall: 1, f1: 1 });
  });

  it('needs the same kind, value, value_max and unit', () => {
    const g = [gold('新建社区食堂12个')];
    for (const over of [{ kind: 'result' as const }, { value: 13 }, { value_max: 15 }, { unit: '家' }]) {
      expect(scoreItems(g, [predicted('新建社区食堂12个', over)], DOC).matched).toBe(0);
    }
  });

  it('compares units without spaces and full-width forms; null is a bare count', () => {
    expect(normalizeUnit(' 万 人')).toBe('万人');
    expect(normalizeUnit('％')).toBe('%');
    expect(normalizeUnit(null)).toBe('');
    const s = scoreItems(
      [gold('新建社区食堂12个', { unit: '％' })],
      [predicted('社区食堂12个', { unit: '%' })],
      DOC,
    );
    expect(s.matched).toBe(1);
  });

  it('compares values as numbers (3.0 = 3)', () => {
    expect(scoreItems([gold('新建社区食堂12个', { value: 12.0 })], [predicted('12个')], DOC).matched).toBe(1);
  });

  it('needs the character ranges to overlap', () => {
    const s = scoreItems([gold('改造背街小巷12条', { unit: '个' })], [predicted('新建社区食堂12个')], DOC);
    expect(s).toMatchObject({ matched: 0, missed: [0], spurious: [0] });
  });

  it('matches each labelled item at most once, largest overlap first', () => {
    const wide = predicted('新建社区食堂12个');
    const narrow = predicted('12个');
    const s = scoreItems([gold('社区食堂12个')], [narrow, wide], DOC);
    expect(s.pairs).toEqual([[0, 1]]);
    expect(s).toMatchObject({ matched: 1, spurious: [0], precision: 0.5, recall: 1 });
    expect(s.f1).toBeCloseTo(2 / 3);
  });

  it('gives each prediction to one labelled item only', () => {
    const s = scoreItems(
      [gold('新建社区食堂12个'), gold('社区食堂12个')],
      [predicted('新建社区食堂12个')],
      DOC,
    );
    expect(s.pairs).toEqual([[0, 0]]);
    expect(s.missed).toEqual([1]);
  });

  it('places a repeated quote at successive occurrences', () => {
    const second = DOC.lastIndexOf('新建社区食堂12个');
    const s = scoreItems(
      [gold('新建社区食堂12个'), gold('新建社区食堂12个')],
      [predicted('新建社区食堂12个', {}, second), predicted('新建社区食堂12个')],
      DOC,
    );
    expect(s.matched).toBe(2);
  });

  it('places a quote found several times where a matching prediction is', () => {
    const second = DOC.lastIndexOf('新建社区食堂12个');
    const s = scoreItems([gold('新建社区食堂12个')], [predicted('新建社区食堂12个', {}, second)], DOC);
    expect(s.matched).toBe(1);
  });

  it('never matches a labelled quote missing from the text', () => {
    expect(scoreItems([gold('新建菜市场12个')], [predicted('12个')], DOC).matched).toBe(0);
  });

  it('uses given offsets without the text, and needs the text otherwise', () => {
    const g = gold('新建社区食堂12个', { start: 0, end: 9 });
    expect(scoreItems([g], [predicted('12个')]).matched).toBe(1);
    expect(() => scoreItems([gold('新建社区食堂12个')], [])).toThrow(/no document text/);
  });

  it('defines empty cases: nothing predicted is precise, nothing labelled is recalled', () => {
    expect(scoreItems([], [], DOC)).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(scoreItems([gold('新建社区食堂12个')], [], DOC)).toMatchObject({ precision: 1, recall: 0, f1: 0 });
  });

  it('combines documents by summing counts', () => {
    const a = scoreItems([gold('新建社区食堂12个')], [predicted('12个')], DOC);
    const b = scoreItems([gold('改造背街小巷12条', { unit: '条' })], [predicted('新建社区食堂12个')], DOC);
    expect(combineScores([a, b])).toMatchObject({
      matched: 1,
      predicted: 2,
      labelled: 2,
      precision: 0.5,
      recall: 0.5,
    });
  });
});

describe('parseLabelledJsonl', () => {
  const line = JSON.stringify(gold('新建社区食堂12个'));

  it('reads one object a line and skips blank lines', () => {
    expect(parseLabelledJsonl(`${line}\n\n${line}\n`)).toHaveLength(2);
  });

  it('names the line of malformed JSON or a missing field', () => {
    expect(() => parseLabelledJsonl(`${line}\n{"doc":`)).toThrow(/^line 2: not valid JSON/);
    expect(() => parseLabelledJsonl(`${line}\n${line}\n{"doc":"000","kind":"plan"}`)).toThrow(
      /^line 3: "kind"/,
    );
    expect(() => parseLabelledJsonl('[1]')).toThrow(/^line 1: expected a JSON object/);
  });
});
