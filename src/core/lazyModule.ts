/**
 * A module `require`d once, on first use. The `require` call itself stays in the loader's own file:
 * esbuild turns it into a load of the separate bundle only there (see esbuild.mjs).
 */
export interface LazyModule<T> {
  /** The module, loaded now if it is not yet. */
  get(): T;
  /** Whether it has been loaded in this process (lets tests prove activation does not load it). */
  loaded(): boolean;
  /** How long loading it took, once it is loaded (for tests and the bench). */
  loadMs(): number | undefined;
}

export function lazyModule<T>(load: () => T): LazyModule<T> {
  let module: { value: T; ms: number } | undefined;
  const get = (): T => {
    if (!module) {
      const started = performance.now();
      const value = load();
      module = { value, ms: performance.now() - started };
    }
    return module.value;
  };
  return { get, loaded: () => module !== undefined, loadMs: () => module?.ms };
}
