/**
 * The `loupe` command: routes `loupe measure ...` and `loupe check ...` to their implementations.
 * bin/loupe.js imports this file; it sets process.exitCode and lets the event loop drain.
 */
import { runMeasure } from "./measure-command.ts";

const USAGE = `Usage: loupe <command> [options]

Commands:
  measure FILE...   loudness (BS.1770 / EBU R 128), loudness range, true peak and overs per file
  check ...         check files against a delivery spec (see loupe check --help)

Run "loupe <command> --help" for the options of a command.`;

async function runCheckCommand(argv: string[]): Promise<number> {
  let module: { runCheck?: (argv: string[]) => Promise<number> };
  try {
    // dynamic: the check command lives beside this file but is built separately
    module = await import(new URL("./check-command.ts", import.meta.url).href);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") {
      process.stderr.write("loupe check: not available in this build (cli/check-command.ts is missing)\n");
      return 1;
    }
    throw error;
  }
  if (typeof module.runCheck !== "function") {
    process.stderr.write("loupe check: cli/check-command.ts does not export runCheck\n");
    return 1;
  }
  return module.runCheck(argv);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "measure":
      return runMeasure(rest);
    case "check":
      return runCheckCommand(rest);
    case undefined:
    case "help":
    case "-h":
    case "--help":
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`loupe: unknown command "${command}"\n\n${USAGE}\n`);
      return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
