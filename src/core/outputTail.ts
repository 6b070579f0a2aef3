/**
 * Characters kept per command: its last 1 MiB (1,048,576 characters). Id extraction needs no more
 * (a test run prints its session ids as it goes and its summary last), and a command that floods
 * the terminal must not hold the extension host's memory.
 */
export const MAX_OUTPUT_CHARS = 1024 * 1024;

/** The end of a stream of text (a terminal command's output), never more than `maxChars`. */
export class OutputTail {
  private chunks: string[] = [];
  private length = 0;
  /** True once the beginning was dropped. */
  truncated = false;

  constructor(private readonly maxChars = MAX_OUTPUT_CHARS) {}

  push(data: string): void {
    if (data.length >= this.maxChars) {
      // One chunk fills it alone: keep its end only.
      this.truncated ||= this.length > 0 || data.length > this.maxChars;
      this.chunks = [data.slice(data.length - this.maxChars)];
      this.length = this.maxChars;
      return;
    }
    this.chunks.push(data);
    this.length += data.length;
    while (this.length > this.maxChars) {
      this.truncated = true;
      const first = this.chunks[0]!;
      const excess = this.length - this.maxChars;
      if (first.length <= excess) {
        this.chunks.shift();
        this.length -= first.length;
      } else {
        this.chunks[0] = first.slice(excess);
        this.length -= excess;
      }
    }
  }

  text(): string {
    return this.chunks.join('');
  }
}
