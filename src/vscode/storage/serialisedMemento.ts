import type * as vscode from 'vscode';

/** `ExtensionContext.globalState`: a Memento that can also sync keys. */
export type GlobalState = vscode.ExtensionContext['globalState'];

/**
 * VS Code keeps an extension's globalState as ONE JSON object, whatever the key. `update` changes
 * the extension host's copy at once and sends the whole object to the workbench a tick later; the
 * workbench echoes every object it stores back, and the echo REPLACES the extension host's copy.
 * So an update made while an earlier object is on its way is undone by that object's echo (reads
 * see the older value), and when the echo arrives before its own send it is never written at all,
 * although its promise resolves (microsoft/vscode#137132). Saving the delete budget, the queue, the
 * lease and the sessions at once, as a tidy-up does, lost writes this way: a spend gone after a
 * restart, a delete the budget did not count.
 *
 * This memento lets one update out at a time, the next only once the previous one's promise
 * resolved: the echo comes before that answer, so nothing older is in flight when a value is set.
 * Values waiting for their turn are read back from here. Every writer of the extension must go
 * through the same instance: serialisedGlobalState / withSerialisedGlobalState give it.
 */
export class SerialisedMemento implements GlobalState {
  /** Updates not yet answered, by key: the latest value wins reads. */
  private readonly waiting = new Map<string, { value: unknown }>();
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly inner: GlobalState) {}

  keys(): readonly string[] {
    const keys = new Set(this.inner.keys());
    for (const [key, { value }] of this.waiting) {
      if (value === undefined) {
        keys.delete(key);
      } else {
        keys.add(key);
      }
    }
    return [...keys];
  }

  get<T>(key: string): T | undefined;
  get<T>(key: string, defaultValue: T): T;
  get<T>(key: string, defaultValue?: T): T | undefined {
    const waiting = this.waiting.get(key);
    if (waiting) {
      return waiting.value === undefined ? defaultValue : (waiting.value as T);
    }
    return defaultValue === undefined ? this.inner.get<T>(key) : this.inner.get<T>(key, defaultValue);
  }

  update(key: string, value: unknown): Promise<void> {
    // As VS Code does: a copy, so that changing the object afterwards changes nothing stored.
    const entry = { value: value !== null && typeof value === 'object' ? JSON.parse(JSON.stringify(value)) : value };
    this.waiting.set(key, entry);
    const write = this.tail.then(async () => {
      try {
        await this.inner.update(key, entry.value);
      } finally {
        if (this.waiting.get(key) === entry) {
          this.waiting.delete(key);
        }
      }
    });
    this.tail = write.then(
      () => undefined,
      () => undefined,
    );
    return write;
  }

  /** Resolves when every update so far is answered. */
  settled(): Promise<void> {
    return this.tail;
  }

  setKeysForSync(keys: readonly string[]): void {
    this.inner.setKeysForSync(keys);
  }
}

const wrappers = new WeakMap<GlobalState, SerialisedMemento>();

/** The one SerialisedMemento of a globalState (itself when it is one already). */
export function serialisedGlobalState(globalState: GlobalState): SerialisedMemento {
  if (globalState instanceof SerialisedMemento) {
    return globalState;
  }
  let wrapper = wrappers.get(globalState);
  if (!wrapper) {
    wrapper = new SerialisedMemento(globalState);
    wrappers.set(globalState, wrapper);
  }
  return wrapper;
}

/**
 * The extension's context with its SerialisedMemento as globalState, for the composition root to
 * hand to every part (VS Code's context is frozen: this one inherits the rest from it).
 */
export function withSerialisedGlobalState<C extends { readonly globalState: GlobalState }>(context: C): C {
  const globalState = serialisedGlobalState(context.globalState);
  if (context.globalState === globalState) {
    return context;
  }
  return Object.create(context, { globalState: { value: globalState, enumerable: true } }) as C;
}
