/**
 * A set of line numbers stored as sorted, merged, inclusive ranges. Requests finish out of order,
 * so the set of handled lines is "everything up to N, plus a few islands": a handful of ranges
 * however many lines there are, which keeps the checkpoint small.
 */
export class LineRangeSet {
  private ranges: [number, number][] = [];

  constructor(ranges: readonly (readonly [number, number])[] = []) {
    for (const [from, to] of ranges) this.addRange(from, to);
  }

  add(line: number): void {
    this.addRange(line, line);
  }

  addRange(from: number, to: number): void {
    if (!Number.isInteger(from) || !Number.isInteger(to) || from > to) throw new Error(`bad line range ${from}-${to}`);
    const merged: [number, number][] = [];
    let next: [number, number] = [from, to];
    let placed = false;
    for (const range of this.ranges) {
      if (range[1] + 1 < next[0]) merged.push(range);
      else if (next[1] + 1 < range[0]) {
        if (!placed) merged.push(next);
        placed = true;
        merged.push(range);
      } else next = [Math.min(range[0], next[0]), Math.max(range[1], next[1])];
    }
    if (!placed) merged.push(next);
    this.ranges = merged;
  }

  has(line: number): boolean {
    let low = 0;
    let high = this.ranges.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const range = this.ranges[middle];
      if (!range) break;
      if (line < range[0]) high = middle - 1;
      else if (line > range[1]) low = middle + 1;
      else return true;
    }
    return false;
  }

  get count(): number {
    return this.ranges.reduce((sum, [from, to]) => sum + (to - from + 1), 0);
  }

  toJSON(): [number, number][] {
    return this.ranges.map(([from, to]) => [from, to]);
  }
}
