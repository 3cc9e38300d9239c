import { defaultMessages, type Messages } from '../src/provider';

/**
 * A pseudo-locale: every message of the English defaults replaced by its key in guillemets
 * («sessionTable.columnsMenu»); messages with values give «key(values)». Built from the
 * defaults, so a message added later is covered too. Text rendered with it that is neither a
 * «…» token nor the test's own data is a string that does not come from the messages.
 */
export function pseudoMessages(): Messages {
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') return `«${path}»`;
    if (typeof value === 'function') {
      return (...args: unknown[]) =>
        `«${path}(${args.map((a) => (typeof a === 'object' ? 'obj' : String(a))).join(',')})»`;
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, v]) => [key, walk(v, path ? `${path}.${key}` : key)]),
      );
    }
    return value;
  };
  return walk(defaultMessages, '') as Messages;
}

const LABEL_ATTRIBUTES = [
  'aria-label',
  'aria-description',
  'aria-roledescription',
  'aria-valuetext',
  'aria-placeholder',
  'title',
  'placeholder',
  'alt',
];

/** What a user sees or hears in an element: its text and the labelling attributes of all in it. */
export function renderedText(root: Element): string {
  const parts = [root.textContent ?? ''];
  for (const element of [root, ...root.querySelectorAll('*')]) {
    for (const name of LABEL_ATTRIBUTES) {
      const value = element.getAttribute(name);
      if (value) parts.push(value);
    }
  }
  return parts.join('\n');
}

/**
 * Words of Latin letters left in an element once the «…» tokens of the pseudo-locale (nested ones
 * too) and the test's own data strings are taken out (the data of these tests is written in
 * Cyrillic): each is a string that does not come from the messages.
 */
export function untranslated(root: Element, data: readonly string[] = []): string[] {
  // Innermost tokens first: a message's values may be tokens («replay.time(«replay.clock(0)»,…)»).
  let text = renderedText(root);
  for (let before = ''; before !== text; ) {
    before = text;
    text = text.replace(/«[^«»]*»/g, ' ');
  }
  for (const value of [...data].sort((a, b) => b.length - a.length)) {
    text = text.split(value).join(' ');
  }
  return text.match(/[A-Za-z]{2,}/g) ?? [];
}

/**
 * Characters of the Unicode blocks text icons come from (arrows, technical, geometric shapes,
 * symbols, dingbats, math symbols such as ⧉, emoji): drawn as SVG instead, since fonts lack them.
 */
export const ICON_GLYPHS =
  /[\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2900-\u29ff\u2b00-\u2bff\u{1f300}-\u{1faff}]/u;
