import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared draft doc pages: DSC_DOCS, else ../shared/docs/graph beside the clone. Undefined when absent. */
export function sharedDocsFolder(): string | undefined {
  const candidates = [process.env.DSC_DOCS, fileURLToPath(new URL('../../../shared/docs/graph', import.meta.url))];
  return candidates.find((c) => c && existsSync(c));
}
