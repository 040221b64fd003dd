/**
 * The `loupe` command: routes `loupe measure ...` and `loupe check ...` to their implementations.
 * bin/loupe.js imports this file; it sets process.exitCode and lets the event loop drain. Each command
 * is loaded only when asked for: start-up time is part of every measurement.
 */
const USAGE = `Usage: loupe <command> [options]

Commands:
  measure FILE...   loudness (BS.1770 / EBU R 128), loudness range, true peak and overs per file
  check ...         check files against a delivery spec (see loupe check --help)

Run "loupe <command> --help" for the options of a command.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "measure":
      return (await import("./measure-command.ts")).runMeasure(rest);
    case "check":
      return (await import("./check-command.ts")).runCheck(rest);
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
