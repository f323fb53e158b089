/**
 * `mq-guardian settings check FILE [--json]`: checks a JSON object of stack settings (keys = the
 * README "Settings" names, as `--param` and the StackSet Parameters take them) against the schema the
 * template and the functions use. Exit 0 when every name and value is allowed, 1 when not (each
 * problem names the allowed values), 2 when the file cannot be read as a JSON object.
 */
import { checkSettingsRecord, SETTINGS } from '../policy/settings-schema.ts';
import { command } from './args.ts';
import { readInputFile } from './input.ts';
import { settingsRecord } from './settings-file.ts';
import { plural } from './text.ts';

export const settingsCommand = (print: (text: string) => void) =>
  command({
    name: 'settings',
    summary:
      'Check a JSON object of stack settings (README "Settings") as packaging and CloudFormation would: ' +
      'exit 1 with the allowed names and values when one is wrong.',
    arguments: [
      { name: 'check', help: 'check the file', choices: ['check'] },
      { name: 'FILE', help: 'a JSON object, keys = setting names, e.g. events/settings/example.json' },
    ],
    options: { json: { type: 'boolean', help: 'print the result as one JSON document' } },
    run: async (values, context) => {
      const file = context.arguments[1] ?? '';
      const { problems, values: checked } = checkSettingsRecord(
        settingsRecord(await readInputFile(file, 'settings file'), file),
      );
      if (values.json) {
        print(JSON.stringify({ file, valid: problems.length === 0, problems, settings: checked }, null, 2));
        return problems.length === 0 ? 0 : 1;
      }
      if (problems.length > 0) {
        print(`${file}: ${plural(problems.length, 'problem')}`);
        for (const problem of problems) print(`  - ${problem}`);
        return 1;
      }
      const changed = SETTINGS.filter((s) => checked[s.name] !== s.default);
      print(`${file}: valid (${changed.length} of ${SETTINGS.length} settings differ from the defaults)`);
      for (const spec of changed) print(`  ${spec.name} = ${JSON.stringify(checked[spec.name])}`);
      return 0;
    },
  });
