/** `schemas extract | check | openapi`. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkDrift, extractTo, formatDrift } from '../contract/generate.js';
import { buildOpenApi, validateOpenApi } from '../contract/openapi.js';
import { SCHEMA_DIR } from '../schemas/registry.js';

export function registerSchemaCommands(program: Command, setCode: (c: number) => void): void {
  const schemas = program.command('schemas').description('extract, check and export the contract schemas');
  schemas
    .command('extract')
    .description('parse the Graph doc pages and write the JSON Schemas')
    .requiredOption('--docs <folder>', 'folder of Graph doc pages (markdown)')
    .option('--out <folder>', 'where to write the schemas', SCHEMA_DIR)
    .action((o: { docs: string; out: string }) => {
      const files = extractTo(o.docs, o.out);
      process.stdout.write(`wrote ${files.length} schemas to ${o.out}\n`);
    });
  schemas
    .command('check')
    .description('fail when the committed schemas drift from what the docs give')
    .requiredOption('--docs <folder>', 'folder of Graph doc pages (markdown)')
    .option('--schemas <folder>', 'committed schemas', SCHEMA_DIR)
    .action((o: { docs: string; schemas: string }) => {
      const drift = checkDrift(o.docs, o.schemas);
      if (drift.length) {
        process.stderr.write(`schemas drift from the docs in ${drift.length} place(s):\n${formatDrift(drift)}\nRun: npm run schemas:extract -- --docs ${o.docs}\n`);
        setCode(1);
      } else process.stdout.write('schemas match the docs\n');
    });
  schemas
    .command('openapi')
    .description('write an OpenAPI 3.1 description of the documented endpoints')
    .option('--out <file>', 'output file', `${SCHEMA_DIR}openapi.json`)
    .action(async (o: { out: string }) => {
      const doc = buildOpenApi();
      const v = await validateOpenApi(doc);
      if (!v.valid) {
        process.stderr.write(`generated OpenAPI is invalid:\n${JSON.stringify(v.errors, null, 2)}\n`);
        setCode(1);
        return;
      }
      writeFileSync(o.out, `${JSON.stringify(doc, null, 2)}\n`);
      process.stdout.write(`wrote ${o.out} (OpenAPI ${doc.openapi}, valid)\n`);
    });
}
