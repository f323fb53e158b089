/**
 * `--settings FILE` of `replay` and `scan`: a JSON object with the stack's setting names (README
 * "Settings"), so that every setting, not only the mode, can be tried against a recorded or live
 * account before it is deployed. Values are what `--param` takes: strings, and for convenience
 * booleans, numbers and lists (joined with commas). Every setting is checked against the one schema
 * the template's Parameters and the functions' loader use (shared/policy/settings-schema.ts); the
 * settings that only shape the stack are checked too but do not change what replay or scan does.
 */
import { ConfigurationError, errorMessage } from '../errors.ts';
import { isPlainObject } from '../json.ts';
import { settingsFromRecord } from '../policy/load-settings.ts';
import { SETTING_NAMES } from '../policy/settings-schema.ts';
import type { Settings } from '../policy/settings.ts';
import { InputFileError } from './input.ts';

export { SETTING_NAMES };

/**
 * The JSON object of settings in a file's text (`settings check FILE`, `--settings FILE`): an
 * InputFileError (the CLI's one line, exit 2) naming `source` when it is not JSON or not an object.
 */
export const settingsRecord = (text: string, source: string): Record<string, unknown> => {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    throw new InputFileError(`${source} is not JSON: ${errorMessage(error)}`);
  }
  if (!isPlainObject(record)) {
    throw new InputFileError(
      `${source} must be a JSON object of settings, e.g. {"remediationMode": "enforce"}; settings: ${SETTING_NAMES.join(', ')}`,
    );
  }
  return record;
};

/**
 * The settings a file describes, on top of the defaults. Every problem is reported at once, with the
 * valid names or values, as an InputFileError (the CLI's exit 2).
 */
export const settingsFromFile = (text: string, source: string): Settings => {
  try {
    return settingsFromRecord(settingsRecord(text, source));
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    throw new InputFileError(`${source}: ${error.message.split('\n').join('; ')}`);
  }
};
