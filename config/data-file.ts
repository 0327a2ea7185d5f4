/** Reads a JSON or YAML file given by the user, with one clear error naming the file and what is wrong. */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';

export class DataFileError extends Error {
  readonly harness = true;
}

export function readDataFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataFileError(`${what} "${file}" cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (e) {
    throw new DataFileError(`${what} "${file}" is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
}
