/**
 * Tally of what was wrong in persisted state while it was read, reported as one warning per kind
 * of problem (with a count) instead of one per broken entry.
 */
export class StateIssues {
  private readonly counts = new Map<string, number>();

  add(problem: string, count = 1): void {
    this.counts.set(problem, (this.counts.get(problem) ?? 0) + count);
  }

  report(prefix: string, onWarning: ((message: string) => void) | undefined): void {
    for (const [problem, count] of this.counts) {
      onWarning?.(`${prefix}: ${problem}: ${count}`);
    }
    this.counts.clear();
  }
}
