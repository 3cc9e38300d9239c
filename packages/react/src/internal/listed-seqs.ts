/**
 * The seqs a paged listing returned (ascending), for the live tail that follows it. The tail
 * resumes after the last listed event in the order the server stored events, so when a recorder
 * sent some seqs late, events the listing already returned can come again: `has` finds them.
 */
export class ListedSeqs {
  private readonly seqs: number[] = [];

  /** Seqs must come in ascending order (a listing's order). */
  add(seq: number): void {
    this.seqs.push(seq);
  }

  /** The seq to resume the tail after: the last listed, or -1. */
  get last(): number {
    return this.seqs.at(-1) ?? -1;
  }

  has(seq: number): boolean {
    let lo = 0;
    let hi = this.seqs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = this.seqs[mid] as number;
      if (at === seq) return true;
      if (at < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}
