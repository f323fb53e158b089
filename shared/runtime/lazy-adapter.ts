/**
 * An adapter built on its first call, not at cold start. The function bundles are split into chunks
 * (serverless.yml `splitting: true`): an adapter module reached only through a dynamic `import()` here
 * is a chunk of its own, with its SDK client, read and evaluated the first time one of its methods is
 * called, never on a path that does not call it (docs/performance.md). A function loads at start-up
 * only the adapters its handler file imports statically.
 */

/** An object whose every member is a method returning a promise (the ports of shared/ports.ts). */
type AsyncMethods<T> = { [K in keyof T]: (...args: never[]) => Promise<unknown> };

/**
 * `load`, run by the first call and its promise shared by every later call. A failed load is not kept:
 * the next call tries again.
 */
export const loadOnce = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let loaded: Promise<T> | undefined;
  return () => {
    if (loaded === undefined) {
      const loading = load();
      loaded = loading;
      loading.catch(() => {
        if (loaded === loading) loaded = undefined;
      });
    }
    return loaded;
  };
};

/** The load of each stand-in lazyAdapter built, for startLoading. */
const loads = new WeakMap<object, () => Promise<unknown>>();

/**
 * Starts loading `port` when it is a lazyAdapter stand-in whose adapter is not loaded yet, and does
 * nothing for any other port: for a caller that knows it will call the port after a read it is about
 * to make, so that the load overlaps the wait for that read. A failed load is not kept: the port's
 * first call loads again and fails with the load's error.
 */
export const startLoading = (port: object): void => {
  loads
    .get(port)?.()
    .catch(() => undefined);
};

/**
 * `methods` names every method of the port (the type checker holds it complete), so that the stand-in
 * can be built before the adapter exists. A failed load is not kept: the next call tries again.
 */
export const lazyAdapter = <T extends AsyncMethods<T>>(
  load: () => Promise<T>,
  methods: Readonly<Record<keyof T, true>>,
): T => {
  const get = loadOnce(load);
  const stand: Partial<Record<keyof T, unknown>> = {};
  for (const name of Object.keys(methods) as (keyof T & string)[]) {
    stand[name] = async (...args: never[]) => {
      const target = await get();
      return (target[name] as (...a: never[]) => Promise<unknown>).apply(target, args);
    };
  }
  loads.set(stand, get);
  return stand as T;
};
