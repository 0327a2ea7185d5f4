/** `datashare-conformance checks`: the registry as a table (or JSON), so users find a check by its id. */
import type { Command } from 'commander';
import { selectChecks } from '../checks/registry.js';

export function registerChecksCommand(program: Command, setCode: (c: number) => void): void {
  program
    .command('checks')
    .description('list every check: id, area, severity, profiles, needs and the rule it enforces')
    .argument('[names...]', 'ids or areas to list (default: all)')
    .option('--json', 'print JSON instead of a Markdown table')
    .action((names: string[], o: { json?: boolean }) => {
      const defs = selectChecks(names);
      if (o.json) {
        const rows = defs.map(({ id, area, title, severity, rule, needs, profiles, generated }) => ({ id, area, title, severity, rule, needs, profiles, generated: !!generated }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        const cell = (s: string) => s.replace(/\|/g, '\\|');
        const lines = ['| id | severity | profiles | rule |', '|---|---|---|---|'];
        for (const d of defs) lines.push(`| \`${d.id}\` | ${d.severity} | ${d.profiles.join(', ')}${d.needs.length ? ` (needs ${d.needs.join(', ')})` : ''} | ${cell(d.title)} — ${cell(d.rule)} |`);
        process.stdout.write(`${lines.join('\n')}\n\n${defs.length} checks\n`);
      }
      setCode(0);
    });
}
