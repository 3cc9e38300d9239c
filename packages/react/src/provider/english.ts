// Helpers of the English defaults.

// Small integers (scores, counts of a page) skip the locale machinery: they are formatted per row.
export const integer = (n: number) =>
  Number.isInteger(n) && n > -1000 && n < 1000 ? String(n) : n.toLocaleString('en-US');

// English has one plural form besides "other": exactly 1. (A new Intl.PluralRules per call cost
// milliseconds a frame on a scrolling list.)
export const plural = (n: number, one: string, other: string) => (n === 1 ? one : other);
