/** Command-line entry: parses argv and dispatches; every harness error ends as one line and exit code 2. */
import { Command, CommanderError } from 'commander';
import { registerBenchCommand } from './bench-command.js';
import { registerChecksCommand } from './checks-command.js';
import { registerMockCommand } from './mock-command.js';
import { registerReportCommands } from './report-commands.js';
import { registerRunCommand } from './run-command.js';
import { registerSchemaCommands } from './schemas-commands.js';
import { registerSelfcheckCommand } from './selfcheck-command.js';
import { registerSweepCommand } from './sweep-command.js';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('datashare-conformance')
    .description('Contract-conformance suite for microsoft.graph.industryData.dataShareOutgoingFlow')
    .exitOverride()
    // a usage error is one line (commander's suggestion folded in), so CI logs show it whole
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(`${s.trim().replace(/\s*\n\s*/g, ' ')} (run with --help for usage)\n`),
    });
  let code = 0;
  const setCode = (c: number) => {
    code = c;
  };
  registerSchemaCommands(program, setCode);
  registerMockCommand(program);
  registerRunCommand(program, setCode);
  registerSweepCommand(program, setCode);
  registerSelfcheckCommand(program, setCode);
  registerChecksCommand(program, setCode);
  registerReportCommands(program, setCode);
  registerBenchCommand(program, setCode);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`datashare-conformance: ${msg}\n`);
    if (process.env.DSC_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return 2;
  }
}
