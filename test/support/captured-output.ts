import { afterEach, beforeEach, vi } from 'vitest';

/** What a command wrote to standard output and standard error in the current test. */
export interface CapturedOutput {
  readonly out: string;
  readonly err: string;
}

/**
 * Registers hooks that capture stdout and stderr for every test of the calling file; read the
 * returned object's `out` and `err` after running a command.
 */
export const captureCommandOutput = (): CapturedOutput => {
  const captured = { out: '', err: '' };
  beforeEach(() => {
    captured.out = '';
    captured.err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      captured.out += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      captured.err += String(chunk);
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  return captured;
};
