/**
 * Saves one piece of state promptly and in order: a request made while a save is waiting joins
 * it (the save reads the state when it runs, so it writes the latest), one made while a save is
 * being written queues the next one.
 */
export class SaveChain {
  private pending: Promise<void> = Promise.resolve();
  private waiting = false;

  constructor(
    private readonly save: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  request(): Promise<void> {
    if (!this.waiting) {
      this.waiting = true;
      this.pending = this.pending.then(async () => {
        this.waiting = false;
        try {
          await this.save();
        } catch (error) {
          this.onError(error);
        }
      });
    }
    return this.pending;
  }

  /** Resolves when every requested save is written. */
  flush(): Promise<void> {
    return this.pending;
  }
}
