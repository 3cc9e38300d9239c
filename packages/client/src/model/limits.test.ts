import { describe, expect, it } from 'vitest';
import { toolCallEventSchema } from './event';
import { fitEvent, fitJson, fitRows, fitText, MAX_JSON_CHARS, MAX_JSON_DEPTH } from './limits';

const base = { id: 'evt_1', sessionId: 'sess_01JD5Z8Q7Y3M4N5P6Q7R8S9T0V', seq: 1 };
const time = '2026-11-25T06:19:32.123Z';

describe('fitting content to the limits', () => {
  it('keeps values within the limits as they are', () => {
    const value = { a: [1, 'two', null] };
    expect(fitJson(value, 100)).toBe(value);
    expect(fitText('short', 10)).toBe('short');
  });

  it('replaces a value too deep or too large with a stand-in the schema accepts', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const big = 'x'.repeat(MAX_JSON_CHARS * 2);
    const event = fitEvent({
      ...base,
      time,
      type: 'tool_call',
      tool: 'Read',
      input: deep,
      output: big,
    });
    expect(event.input).toMatchObject({ truncated: true, tooDeep: true });
    expect(event.output).toMatchObject({ truncated: true, originalChars: big.length + 2 });
    expect(toolCallEventSchema.safeParse(event).success).toBe(true);
  });

  it('shrinks a preview whose escaping would grow it past the bound', () => {
    const fitted = fitJson('"'.repeat(5000), 1000) as { preview: string };
    expect(JSON.stringify(fitted).length).toBeLessThanOrEqual(1000);
    expect(fitted.preview.length).toBeGreaterThan(100);
  });

  it('cuts text with a marker, never inside a surrogate pair', () => {
    const cut = fitText(`${'a'.repeat(9)}😀${'b'.repeat(100)}`, 40);
    expect(cut.length).toBeLessThanOrEqual(40);
    expect(cut).toMatch(/…\[truncated: 111 characters\]$/);
    expect(fitText(`${'a'.repeat(7)}😀${'b'.repeat(100)}`, 36)).toBe(
      `${'a'.repeat(7)}…[truncated: 109 characters]`,
    );
  });

  it('cuts rows past the bound and fits cells nested too deep', () => {
    const rows = Array.from({ length: 100 }, (_, i) => [i, 'r'.repeat(100)]);
    const { rows: kept, truncated } = fitRows(rows, 2000);
    expect(truncated).toBe(true);
    expect(kept.length).toBeGreaterThan(10);
    expect(JSON.stringify(kept).length).toBeLessThanOrEqual(2000);
    let deep: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH; i++) deep = { a: deep };
    const fitted = fitRows([[deep]], 10_000);
    expect(fitted.truncated).toBe(true);
    expect(fitted.rows[0]?.[0]).toMatchObject({ truncated: true, tooDeep: true });
  });
});
