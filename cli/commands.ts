/** The remaining subcommands; filled in by later modules. */
import type { Command } from 'commander';

export function register(_program: Command, _setCode: (c: number) => void): void {}
