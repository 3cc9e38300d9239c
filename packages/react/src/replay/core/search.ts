/**
 * Index of the first of `length` ascending values that is greater than `x` (`valueAt(i)` reads
 * value i): events before a time, the keyframe or block at or before an event.
 */
export function upperBound(length: number, x: number, valueAt: (i: number) => number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (valueAt(mid) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
