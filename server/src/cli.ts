// cmlogs: the command-line face of the core. Each sub-command lives in cli/<name>.ts.
import { runDiagnose } from './cli/diagnose';
import { runFleet } from './cli/fleet';
import { runLookup } from './cli/lookup';
import { runParse } from './cli/parse';
import { runStats } from './cli/stats';
import { runTimeline } from './cli/timeline';
import { UsageError } from './cli/common';

const USAGE = `usage: cmlogs <command> [options]

  parse FILE|DIR... [--json] [--rollover]   records of ConfigMgr logs (NDJSON with --json)
  stats FILE|DIR... [--json]                 counts by file, format and severity, time span, top errors
  lookup CODE_OR_ID... [--json]              error codes, status message IDs (statmsg N), state messages (state T [S])
  diagnose FILE|DIR... [--json]              walk the documented flows and say where a chain broke
  timeline FILE|DIR... [--json] [--key K] [--errors]  records of many logs merged by UTC time, with their linking keys
  fleet ROOT --out DIR [--json] | fleet query DIR SQL  many machines' logs diagnosed into Parquet tables, and SQL over them

Logs that write local time with no zone (IME, setup, MSI, CBS...) take the bias of the other logs of their
folder (UTC "~" inferred; JSON utcSource); when none tells, they show local time, never as UTC. parse, stats,
diagnose and timeline take --offset UTC+01:00 to give those folders their zone.
`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  parse: runParse,
  stats: runStats,
  timeline: runTimeline,
  lookup: runLookup,
  diagnose: runDiagnose,
  fleet: runFleet,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`cmlogs: unknown command "${name}"\n${USAGE}`);
    return 2;
  }
  try {
    return await command(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`cmlogs ${name}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

// A closed pipe (cmlogs ... | head) is a normal way for a reader to stop.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`cmlogs: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
