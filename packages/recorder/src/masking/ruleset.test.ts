import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DETECTORS } from './detectors';
import { leadingLiteral, stripNamePrefix, uncaptureRepeats } from './gitleaks/convert';
import { generate } from './gitleaks/generate';
import { re2ToJs } from './gitleaks/re2';
import { GITLEAKS_RULES, GITLEAKS_VERSION } from './gitleaks/rules';
import { Masker } from './masker';

describe('the vendored gitleaks ruleset', () => {
  it('rules.ts is what the generator makes of gitleaks.toml', () => {
    const file = readFileSync(new URL('./gitleaks/rules.ts', import.meta.url), 'utf8');
    expect(file).toBe(generate());
    expect(GITLEAKS_VERSION).toBe('8.30.1');
  });

  it('covers the providers: 200+ rules of 120+ providers, each a valid pattern with needles', () => {
    expect(GITLEAKS_RULES.length).toBeGreaterThanOrEqual(200);
    const providers = new Set(GITLEAKS_RULES.map((r) => r.id.split('-')[0]));
    expect(providers.size).toBeGreaterThanOrEqual(120);
    for (const id of ['twilio', 'sendgrid', 'azure', 'heroku', 'shopify', 'databricks', 'vault'])
      expect(providers, id).toContain(id);
    for (const r of GITLEAKS_RULES) {
      expect(r.needles.length, r.id).toBeGreaterThan(0);
      expect(() => new RegExp(r.pattern.source, 'gd'), r.id).not.toThrow();
    }
    // Ids are unique in the ruleset, and ours differ from its (they name masking counts).
    const ids = GITLEAKS_RULES.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    const ours = new Set(
      DEFAULT_DETECTORS.filter((d) => !GITLEAKS_RULES.includes(d)).map((d) => d.id),
    );
    for (const id of ours) expect(ids, id).not.toContain(id);
  });

  it('a masker is ready quickly (patterns compile on first use)', () => {
    const started = performance.now();
    const masker = new Masker();
    masker.text('hello');
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('RE2 to JavaScript', () => {
  const js = (re2: string) => new RegExp(re2ToJs(re2));

  it('spells out inline case flags, also mid-pattern and switched off', () => {
    expect(js('(?i)abc').test('xAbC')).toBe(true);
    expect(js('(?i)key(?-i:ABC)').test('KEYABC')).toBe(true);
    expect(js('(?i)key(?-i:ABC)').test('KEYabc')).toBe(false);
    expect(js('x(?i:ab)y').test('xABy')).toBe(true);
    expect(js('x(?i:ab)y').test('xABY')).toBe(false);
    expect(js('(pre)_(?i)[a-f]{2}').test('pre_AF')).toBe(true);
    expect(js('(?:(pre)_(?i)x)X').test('pre_xx')).toBe(false);
  });

  it('converts classes, anchors, named groups, dots and POSIX classes', () => {
    expect(js('[^]]+]').test('ab]')).toBe(true);
    expect(js('a\\z').test('a\n')).toBe(false);
    expect(js('(?P<alg>x)').exec('x')?.groups?.alg).toBe('x');
    expect(js('a.b').test('a\nb')).toBe(false);
    expect(js('(?s:a.b)').test('a\nb')).toBe(true);
    expect(js('^[[:alnum:]_]+$').test('aZ9_')).toBe(true);
    expect(js('(?i)[a-c]').test('B')).toBe(true);
  });

  it('bounds unbounded repeats and refuses what it cannot convert', () => {
    expect(re2ToJs('a+b*c{2,}')).toBe('a{1,4096}b{0,4096}c{2,4096}');
    expect(re2ToJs('x.*?y')).toBe('x[^\\n]{0,512}?y');
    expect(() => re2ToJs('\\p{L}')).toThrow(/unsupported escape/);
    expect(() => re2ToJs('(?U)x')).toThrow(/unsupported flag/);
  });

  it('drops a leading optional name, which cannot change the secret', () => {
    expect(stripNamePrefix('(?i)[\\w.-]{0,50}?(?:okta)x')).toBe('(?i)(?:okta)x');
    expect(stripNamePrefix('[\\w.-]{0,50}?(?i:[\\w.-]{0,50}?(?:a))')).toBe('(?i:(?:a))');
    expect(stripNamePrefix('ghp_[0-9]{3}')).toBe('ghp_[0-9]{3}');
  });

  it('makes repeated groups non-capturing: the secret is the whole match, not a repetition', () => {
    expect(uncaptureRepeats('a([0-9]{4}-){3}b(c)(?:d){2}[(]x')).toBe(
      'a(?:[0-9]{4}-){3}b(c)(?:d){2}[(]x',
    );
    expect(uncaptureRepeats(String.raw`\(x(y)+`)).toBe(String.raw`\(x(?:y)+`);
    const masker = new Masker();
    const id = '7b0f9a3c-1d2e-4f5a-8b6c-0d1e2f3a4b5c';
    const url = `https://contoso.webhook.office.com/webhookb2/${id}@${id}/IncomingWebhook/0123456789abcdef0123456789abcdef/${id}`;
    expect(masker.text(`posting to ${url}`)).toBe(`posting to ${'*'.repeat(url.length)}`);
  });

  it("gives a pattern's leading literal as a needle when its keywords are not in it", () => {
    expect(leadingLiteral(String.raw`\b(pat[A-Za-z0-9]{14}\.[a-f0-9]{64})\b`, ['airtable'])).toBe(
      'pat',
    );
    // A keyword in the pattern, or one that starts as the pattern does, already gates it.
    expect(leadingLiteral('xox[os]-[0-9]{1,9}', ['xoxo', 'xoxs'])).toBeNull();
    expect(leadingLiteral(String.raw`https://[a-z]{1,9}\.webhookb2/`, ['webhookb2'])).toBeNull();
  });
});
