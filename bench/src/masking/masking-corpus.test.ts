import { Masker } from '@auditlane/recorder';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fromPublished,
  generate,
  loadFamilies,
  loadNegatives,
  loadPublished,
  rng,
  samples,
  templatePattern,
} from './corpus';
import { leak, measure, type Report, window } from './measure';
import { ordinaryOutput } from './ordinary';

// The masker against an independent corpus of sample secrets (bench/corpus, see
// bench/README.md): recall per family in every context the recorder sees, and false positives
// on ordinary output and on the corpus' negative examples.

describe('the corpus and the criterion', () => {
  const families = loadFamilies();

  it('has well-formed families with a source each, and makes the same samples for a seed', () => {
    expect(families.length).toBeGreaterThan(150);
    expect(new Set(families.map((f) => f.family)).size).toBe(families.length);
    for (const f of families) {
      expect(f.source, f.family).not.toBe('');
      if (f.kind === 'keyword') expect(f.name, f.family).toBeTruthy();
    }
    const holdout = loadFamilies(new URL('../../corpus/families-holdout.jsonl', import.meta.url));
    expect(holdout.length).toBeGreaterThan(10);
    for (const f of holdout)
      expect(
        families.map((x) => x.family),
        f.family,
      ).not.toContain(f.family);
    expect(samples(families, 2, 7).map((s) => s.value)).toEqual(
      samples(families, 2, 7).map((s) => s.value),
    );
    expect(samples(families, 1, 7)[0]?.value).not.toBe(samples(families, 1, 8)[0]?.value);
    for (const s of samples(families, 2, 7))
      expect(s.value, s.family).toMatch(
        templatePattern(families.find((f) => f.family === s.family)?.template ?? ''),
      );
  });

  it('keeps published samples that match their family format, with the prefix public', () => {
    const published = loadPublished();
    expect(published.length).toBeGreaterThan(40);
    for (const p of published) {
      const f = families.find((x) => x.family === p.family);
      expect(f, p.family).toBeDefined();
      expect(p.value, p.family).toMatch(templatePattern(f?.template ?? ''));
      expect(p.source).toMatch(/^trufflehog [0-9a-f]{12} pkg\/detectors\/.+_test\.go/);
    }
    const f = families.find((x) => x.family === 'npm-token');
    const s = fromPublished(f as (typeof families)[number], {
      family: 'npm-token',
      value: `npm_${'a1'.repeat(18)}`,
      source: 't',
    });
    expect(s.parts).toEqual([
      { text: 'npm_', random: false },
      { text: 'a1'.repeat(18), random: true },
    ]);
  });

  it('draws the random parts from the declared classes and lengths', () => {
    const next = rng(1);
    const s = generate(
      { family: 'x', kind: 'format', template: 'pre_{hex:8}.{digit:3-5}', source: 't' },
      next,
    );
    expect(s.value).toMatch(/^pre_[0-9a-f]{8}\.[0-9]{3,5}$/);
    expect(s.parts.filter((p) => p.random).map((p) => p.text.length)[0]).toBe(8);
    // GitHub's checksum: CRC32 of the 30 random characters in base62.
    const gh = generate(
      { family: 'gh', kind: 'format', template: 'ghp_{alnum:30}{ghsum}', source: 't' },
      next,
    );
    expect(gh.value).toMatch(/^ghp_[A-Za-z0-9]{36}$/);
  });

  it('counts a secret as leaked when a run of it stays visible, not when only its prefix does', () => {
    const s = generate(
      { family: 'x', kind: 'format', template: 'ghp_{alnum:36}', source: 't' },
      rng(3),
    );
    const t = window(s);
    expect(t).toBe(8);
    const body = s.value.slice(4);
    expect(leak(s.parts, t, `token ${s.value}`)).not.toBeNull();
    expect(leak(s.parts, t, `token ghp_${'*'.repeat(36)}`)).toBeNull();
    expect(leak(s.parts, t, `token ${'*'.repeat(40)}`)).toBeNull();
    // The tail left visible (the masker stopped early) is a leak; so is the head.
    expect(leak(s.parts, t, `ghp_${'*'.repeat(28)}${body.slice(28)}`)).not.toBeNull();
    expect(leak(s.parts, t, `ghp_${body.slice(0, 9)}${'*'.repeat(27)}`)).not.toBeNull();
    // A run must be at least half secret: the prefix and three characters are not a leak.
    expect(leak(s.parts, t, `ghp_${body.slice(0, 3)}${'*'.repeat(33)}`)).toBeNull();
    expect(leak(s.parts, t, `ghp_${body.slice(0, 4)}${'*'.repeat(32)}`)).not.toBeNull();
  });

  it('decodes the negatives and finds ordinary output to measure on', () => {
    const negatives = loadNegatives();
    expect(negatives.some((n) => n.value === '$USER:$PASS')).toBe(true);
    const sets = ordinaryOutput(50);
    const names = sets.map((s) => s.category);
    for (const c of ['git-log', 'ls-l', 'uuids', 'sha256sum', 'base64-images', 'kubectl'])
      expect(names).toContain(c);
    for (const s of sets) expect(s.lines.length, s.category).toBeGreaterThan(0);
  });

  it('tells a masker that masks nothing and one that masks everything from a good one', () => {
    const families = loadFamilies().slice(0, 20);
    const none = measure(() => ({ ...identity }) as unknown as Masker, {
      families,
      perFamily: 1,
      ordinaryLines: 20,
    });
    expect(none.recall).toBe(0);
    expect(none.ordinaryRate).toBe(0);
    const all = measure(() => ({ ...everything }) as unknown as Masker, {
      families,
      perFamily: 1,
      ordinaryLines: 20,
    });
    expect(all.recall).toBe(1);
    expect(all.ordinaryRate).toBe(1);
    // Only the already-masked placeholder (********) stays as it was.
    expect(all.negativeRate).toBeGreaterThan(0.99);
  });
});

const identity = {
  text: (v: string) => v,
  value: (v: unknown) => v,
  rows: (_c: unknown, rows: unknown[][]) => rows,
  stream() {
    return { push: (c: string) => c, flush: () => '' };
  },
};
const star = (v: string) => v.replace(/[^\s]/g, '*');
const starAll = (v: unknown): unknown =>
  typeof v === 'string'
    ? star(v)
    : Array.isArray(v)
      ? v.map(starAll)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, starAll(x)]))
        : v;
const everything = {
  text: star,
  value: starAll,
  rows: (_c: unknown, rows: unknown[][]) => starAll(rows),
  stream() {
    return { push: star, flush: () => '' };
  },
};

describe('the recorder masker on the corpus', () => {
  let report: Report;
  beforeAll(() => {
    report = measure(() => new Masker());
  });

  it('fully masks at least 98% of families in every context', () => {
    const failing = report.families
      .filter((f) => f.failing.length > 0)
      .map((f) => `${f.family}: ${f.failing.join(', ')}`);
    expect(
      report.recall,
      `families not fully masked (${failing.length}):\n${failing.join('\n')}`,
    ).toBeGreaterThanOrEqual(0.98);
  });

  it('alters at most 2% of ordinary output lines', () => {
    const rows = report.ordinary
      .filter((o) => o.altered > 0)
      .map((o) => `${o.category}: ${o.altered}/${o.lines}`);
    expect(report.ordinaryRate, rows.join('\n')).toBeLessThanOrEqual(0.02);
  });

  it("alters at most 2% of the corpus' negative examples", () => {
    const rows = report.negatives.map((o) => `${o.category}: ${o.altered}/${o.lines}`);
    expect(report.negativeRate, rows.join('\n')).toBeLessThanOrEqual(0.02);
  });
});
