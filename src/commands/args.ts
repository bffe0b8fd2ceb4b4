// Command-line options, strictly: what node:util's parseArgs does for our
// commands (long and one-letter options, `--name=value`, `--` ending the
// options, repeatable options), without loading node:util, which took a
// noticeable part of the server's start-up.

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
}

export type ParsedValues = Record<string, string | boolean | string[] | undefined>;

/** The values parseOptions returns for these options: strings, booleans, or lists of strings when repeatable. */
export type ValuesOf<O extends Record<string, OptionSpec>> = {
  [K in keyof O]?: O[K] extends { type: "string" } ? (O[K] extends { multiple: true } ? string[] : string) : boolean;
};

/** A usage mistake; the message names the option and says what was expected. */
export class ArgsError extends Error {
  override name = "ArgsError";
}

export function parseOptions<const O extends Record<string, OptionSpec>>(args: string[], options: O): { values: ValuesOf<O>; positionals: string[] } {
  const values: ParsedValues = {};
  const positionals: string[] = [];
  const byShort = new Map(Object.entries(options).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])));
  const set = (name: string, value: string | boolean) => {
    if (options[name]!.multiple) ((values[name] ??= []) as Array<string | boolean>).push(value);
    else values[name] = value;
  };
  const take = (name: string, shown: string, inline: string | undefined, i: number): number => {
    const o = options[name]!;
    if (o.type === "boolean") {
      if (inline !== undefined) throw new ArgsError(`option ${shown} takes no value`);
      set(name, true);
      return i;
    }
    if (inline !== undefined) {
      set(name, inline);
      return i;
    }
    const next = args[i + 1];
    // A value that looks like an option is more likely a forgotten value: say so.
    if (next === undefined || (next.startsWith("-") && next !== "-")) throw new ArgsError(`option ${shown} needs a value`);
    set(name, next);
    return i + 1;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      if (!Object.hasOwn(options, name)) throw new ArgsError(`unknown option "--${name}"`);
      i = take(name, `--${name}`, eq < 0 ? undefined : arg.slice(eq + 1), i);
    } else if (arg.startsWith("-") && arg.length > 1) {
      const name = byShort.get(arg[1]!);
      if (name === undefined) throw new ArgsError(`unknown option "-${arg[1]}"`);
      // -p3000 is -p 3000; -hv is -h -v.
      if (options[name]!.type === "string") i = take(name, `-${arg[1]}`, arg.length > 2 ? arg.slice(2) : undefined, i);
      else for (const letter of arg.slice(1)) {
        const each = byShort.get(letter);
        if (each === undefined || options[each]!.type !== "boolean") throw new ArgsError(`unknown option "-${letter}" in "${arg}"`);
        set(each, true);
      }
    } else positionals.push(arg);
  }
  return { values: values as ValuesOf<O>, positionals };
}
