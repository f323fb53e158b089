/** Reading the files named on the command line, with one-line answers for every way that can fail. */
import { readFile } from 'node:fs/promises';
import { GuardianError } from '../errors.ts';

/** A file named on the command line cannot be read (missing, a directory, no permission). Exit code 2. */
export class InputFileError extends GuardianError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INPUT_FILE', message, options);
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/** The text of `path`, given as `option` (`--event`); InputFileError names both when it cannot be read. */
export const readInputFile = async (path: string, option: string): Promise<string> => {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason = typeof code === 'string' ? REASONS[code] : undefined;
    if (reason === undefined) throw error;
    throw new InputFileError(`${option} ${path}: ${reason}`, { cause: error });
  }
};
