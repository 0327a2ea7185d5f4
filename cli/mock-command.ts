/** `datashare-conformance mock`: the reference mock as a standalone server. */
import type { Command } from 'commander';
import { BEHAVIOURS, DEFECTS } from '../mock/defects.js';
import { parseFaults } from '../mock/faults.js';
import { startMock } from '../mock/server.js';
import { UsageError } from './errors.js';

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').filter(Boolean)];

export function registerMockCommand(program: Command): void {
  program
    .command('mock')
    .description('start the reference mock server on loopback and print its base URL')
    .option('--port <n>', 'port (0 picks a free one)', '4010')
    .option('--defect <id>', 'switch on a named defect (repeatable, or comma-separated)', collect, [])
    .option('--behaviour <id>', 'switch on an allowed alternative behaviour (repeatable)', collect, [])
    .option('--fault <k=v>', 'transport fault, e.g. throttleEvery=5 (repeatable)', collect, [])
    .option('--token <t>', 'require this bearer token')
    .option('--collection-path <p>', 'collection path below /beta', '/industryData/dataShareOutgoingFlows')
    .option('--list-defects', 'print the defects and behaviours, then exit')
    .action(async (o: { port: string; defect: string[]; behaviour: string[]; fault: string[]; token?: string; collectionPath: string; listDefects?: boolean }) => {
      if (o.listDefects) {
        for (const d of DEFECTS) process.stdout.write(`${d.id.padEnd(34)} ${d.severity.padEnd(6)} ${d.description}  [${d.rule}]\n`);
        process.stdout.write('\nbehaviours (allowed alternatives):\n');
        for (const [k, v] of Object.entries(BEHAVIOURS)) process.stdout.write(`${k.padEnd(34)} ${v}\n`);
        return;
      }
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got "${o.port}"`);
      const mock = await startMock({ port, defects: o.defect, behaviours: o.behaviour, faults: parseFaults(o.fault), token: o.token, collectionPath: o.collectionPath }).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use; pick another with --port (0 picks a free one)`);
        throw e;
      });
      process.stdout.write(`${mock.baseUrl}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          void mock.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
