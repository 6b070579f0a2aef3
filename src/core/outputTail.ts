/** Characters kept per execution (the end is kept: a test run's summary comes last). */
const MAX_OUTPUT_CHARS = 16 * 1024 * 1024;

/** The end of a stream of text (a terminal command's output), bounded in size. */
export class OutputTail {
  private readonly chunks: string[] = [];
  private length = 0;
  /** True once the beginning was dropped. */
  truncated = false;

  constructor(private readonly maxChars = MAX_OUTPUT_CHARS) {}

  push(data: string): void {
    this.chunks.push(data);
    this.length += data.length;
    while (this.length > this.maxChars && this.chunks.length > 1) {
      this.length -= this.chunks.shift()!.length;
      this.truncated = true;
    }
  }

  text(): string {
    return this.chunks.join('');
  }
}
