/** Spawning the real CLI and the standalone mock for end-to-end tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A loopback port with nothing listening. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

export const BIN = new URL('../../bin/datashare-conformance.mjs', import.meta.url).pathname;
export const tmp = () => mkdtempSync(path.join(tmpdir(), 'dsc-cli-'));

export function cli(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, out, err });
    });
  });
}

export function startCliMock(args: string[] = []): Promise<{ url: string; proc: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, 'mock', '--port', '0', ...args]);
    proc.stdout.once('data', (d) => resolve({ url: String(d).trim(), proc }));
    proc.once('exit', (c) => reject(new Error(`mock exited ${c}`)));
  });
}

