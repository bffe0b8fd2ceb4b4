type Method = (...args: unknown[]) => unknown;

/**
 * The same object with each method replaced by what `wrap` makes of it (made
 * once per method). Methods run on the object itself, so private fields and
 * `instanceof` keep working; a method `wrap` returns undefined for is passed
 * through, bound. Other properties are read as they are.
 */
export function wrapMethods<T extends object>(target: T, wrap: (prop: PropertyKey, call: Method) => Method | undefined): T {
  const wrapped = new Map<PropertyKey, Method>();
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t);
      if (typeof value !== "function" || prop === "constructor") return value;
      let fn = wrapped.get(prop);
      if (!fn) {
        const call: Method = (...args) => value.apply(t, args);
        fn = wrap(prop, call) ?? call;
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}
