import { describe, expect, it } from 'vitest';
import { loadRouter, normaliseForRouting, predictRoute, type TrainingExample, trainRouter } from './model.js';

/** A small, made-up training set: three topics in everyday words. */
const EXAMPLES: TrainingExample[] = [
  ...[
    '小区门口垃圾堆积无人清运',
    '路边垃圾桶满了发臭',
    '垃圾站臭气熏天',
    '楼道垃圾没人清理',
    '垃圾乱倒污染环境',
  ].map((text) => ({ text, label: 'garbage' })),
  ...['路灯不亮晚上很黑', '路灯坏了好几天', '小区路灯损坏不亮', '路灯杆倾斜危险', '整条街路灯不亮'].map(
    (text) => ({
      text,
      label: 'lamp',
    }),
  ),
  ...['深夜施工噪音扰民', '工地夜间噪音太大', '广场舞音响噪音扰民', '装修噪音影响休息', '酒吧噪音太吵'].map(
    (text) => ({
      text,
      label: 'noise',
    }),
  ),
];
const FAST = { epochs: 10, bits: 14, minDocs: 1 };

describe('routing model', () => {
  it('trains and predicts the same for the same seed, and differently-ordered data changes nothing material', () => {
    const a = trainRouter(EXAMPLES, { ...FAST, seed: 7 });
    const b = trainRouter(EXAMPLES, { ...FAST, seed: 7 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const c = trainRouter(EXAMPLES, { ...FAST, seed: 8 });
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
  });

  it('suggests the right label first, with confidences that sum to at most 1, best first', () => {
    const router = loadRouter(trainRouter(EXAMPLES, FAST));
    const p = predictRoute(router, { subject: '路灯', text: '小区路灯坏了不亮' });
    expect(p.reason).toBeNull();
    expect(p.suggestions[0]?.label).toBe('lamp');
    expect(p.suggestions).toHaveLength(3);
    const total = p.suggestions.reduce((s, x) => s + x.confidence, 0);
    expect(total).toBeLessThanOrEqual(1.0001);
    expect(p.suggestions[0]?.confidence).toBeGreaterThan(p.suggestions[1]?.confidence ?? 1);
    expect(predictRoute(router, { text: '夜里工地噪音吵得睡不着' }).suggestions[0]?.label).toBe('noise');
  });

  it('survives a JSON round trip unchanged', () => {
    const model = trainRouter(EXAMPLES, FAST);
    const again = loadRouter(JSON.parse(JSON.stringify(model)));
    expect(predictRoute(again, { text: '垃圾没人清运' })).toEqual(
      predictRoute(loadRouter(model), { text: '垃圾没人清运' }),
    );
  });

  it('a stored format-1 model (character n-grams only) predicts as before; a new one says what else it cuts', () => {
    const chars = trainRouter(EXAMPLES, { ...FAST, words: false, head: 0 });
    const { words: _none, head: _noHead, ...rest } = chars;
    const old = loadRouter({ ...rest, format: 1 });
    expect(predictRoute(old, { text: '路灯坏了不亮' })).toEqual(
      predictRoute(loadRouter(chars), { text: '路灯坏了不亮' }),
    );
    const withWords = trainRouter(EXAMPLES, { ...FAST, words: true, head: 20 });
    expect(withWords.words).toBe(true);
    expect(withWords.head).toBe(20);
    expect(withWords.ids.length).toBeGreaterThan(chars.ids.length);
    expect(predictRoute(loadRouter(withWords), { text: '路灯坏了不亮' }).suggestions[0]?.label).toBe('lamp');
  });

  it('answers bad input with no suggestion and a reason, never an error', () => {
    const router = loadRouter(trainRouter(EXAMPLES, FAST));
    expect(predictRoute(router, { text: '' })).toEqual({ suggestions: [], reason: 'empty' });
    expect(predictRoute(router, { text: '   ' }).reason).toBe('empty');
    expect(predictRoute(router, { text: '灯' })).toEqual({ suggestions: [], reason: 'too_short' });
    expect(predictRoute(router, { text: '138 1234 5678' })).toEqual({ suggestions: [], reason: 'no_words' });
    expect(predictRoute(router, { text: 'The street lamp is broken' }).reason).toBe('other_language');
    expect(predictRoute(router, { text: '今天天气晴朗心情愉快' }).reason).toBe('unfamiliar_text');
  });

  it('a training set with a single label (or none) makes a model that suggests nothing and says why', () => {
    const one = loadRouter(
      trainRouter(
        EXAMPLES.filter((e) => e.label === 'lamp'),
        FAST,
      ),
    );
    expect(predictRoute(one, { text: '路灯不亮' })).toEqual({ suggestions: [], reason: 'single_label' });
    const none = loadRouter(trainRouter([], FAST));
    expect(predictRoute(none, { text: '路灯不亮' })).toEqual({ suggestions: [], reason: 'single_label' });
  });

  it('segmented and raw text meet on the same characters', () => {
    expect(normaliseForRouting('A1 区 小区 停车')).toBe(normaliseForRouting('A1区，小区的停车！'));
    expect(normaliseForRouting('电话13812345678')).toBe('电话0');
  });

  it('predicts in well under 5 ms per message', () => {
    const router = loadRouter(trainRouter(EXAMPLES, FAST));
    const text = '小区门口的路灯坏了好几天，晚上很黑，希望尽快修理。'.repeat(20);
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) predictRoute(router, { text });
    expect((performance.now() - t0) / 50).toBeLessThan(5);
  });
});
