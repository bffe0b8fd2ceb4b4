import { describe, expect, test } from "bun:test";
import { ArgsError, parseOptions } from "../../src/commands/args.ts";

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  verbose: { type: "boolean", short: "v" },
  port: { type: "string", short: "p" },
  host: { type: "string" },
  tag: { type: "string", multiple: true },
} as const;

const parse = (...args: string[]) => parseOptions(args, OPTIONS);

describe("command-line options", () => {
  test("long, inline, short, attached and grouped forms give the same values", () => {
    expect(parse("serve", "--port", "8080", "--host=0.0.0.0")).toEqual({ values: { port: "8080", host: "0.0.0.0" }, positionals: ["serve"] });
    expect(parse("-p", "8080", "serve").values).toEqual({ port: "8080" });
    expect(parse("-p8080").values).toEqual({ port: "8080" });
    expect(parse("--port=").values).toEqual({ port: "" });
    expect(parse("-hv").values).toEqual({ help: true, verbose: true });
    expect(parse("--help", "-v").values).toEqual({ help: true, verbose: true });
  });

  test("repeatable options collect every value in order; others keep the last", () => {
    expect(parse("--tag", "a", "--tag=b").values).toEqual({ tag: ["a", "b"] });
    expect(parse("--port", "1", "--port", "2").values).toEqual({ port: "2" });
  });

  test("-- ends the options and a lone - is a positional", () => {
    expect(parse("a", "--", "--port", "-h")).toEqual({ values: {}, positionals: ["a", "--port", "-h"] });
    expect(parse("-", "--host", "x")).toEqual({ values: { host: "x" }, positionals: ["-"] });
  });

  test("mistakes are refused with a sentence naming the option", () => {
    const refused = (args: string[], message: string) => {
      expect(() => parseOptions(args, OPTIONS)).toThrow(ArgsError);
      expect(() => parseOptions(args, OPTIONS)).toThrow(message);
    };
    refused(["--nope"], 'unknown option "--nope"');
    refused(["-x"], 'unknown option "-x"');
    refused(["-hx"], 'unknown option "-x" in "-hx"');
    refused(["--port"], "option --port needs a value");
    refused(["--port", "--host", "x"], "option --port needs a value");
    refused(["-p"], "option -p needs a value");
    refused(["--help=yes"], "option --help takes no value");
    // An inherited property name is not an option.
    refused(["--constructor"], 'unknown option "--constructor"');
  });
});
