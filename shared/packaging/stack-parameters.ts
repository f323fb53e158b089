/**
 * The stack's settings as CloudFormation Parameters, built from the settings schema: the values given
 * while packaging (`--param`) become the Defaults, so `npm run deploy` deploys them unchanged, while a
 * StackSet (or `aws cloudformation deploy --parameter-overrides`) can set each one per account and
 * region, and CloudFormation refuses a value the code would refuse.
 */
import {
  allowedPattern,
  checkSettingsRecord,
  SETTINGS,
  type SettingSpec,
} from '../policy/settings-schema.ts';

export interface CfnParameter {
  readonly Type: 'String' | 'Number';
  readonly Default: string;
  readonly Description: string;
  readonly AllowedValues?: readonly string[];
  readonly AllowedPattern?: string;
  readonly ConstraintDescription?: string;
}

const parameter = (spec: SettingSpec, value: string): CfnParameter => {
  const { rule } = spec;
  const base = { Default: value, Description: spec.description };
  switch (rule.kind) {
    case 'enum':
      return { Type: 'String', ...base, AllowedValues: rule.values };
    case 'number':
      return { Type: 'Number', ...base, AllowedValues: rule.values.map(String) };
    case 'list':
      return {
        Type: 'String',
        ...base,
        AllowedPattern: allowedPattern(rule) as string,
        ConstraintDescription: `comma-separated, each one of: ${rule.values.join(', ')} (or empty)`,
      };
    case 'pattern':
      return {
        Type: 'String',
        ...base,
        AllowedPattern: allowedPattern(rule) as string,
        ConstraintDescription: `${rule.what}, or empty`,
      };
  }
};

/**
 * `--param` values as osls receives them (`name=value`, one string or several) → a record. A value
 * may itself hold '=' (only the first one separates).
 */
export const paramOptions = (param: unknown): Record<string, string> => {
  const items = param === undefined ? [] : Array.isArray(param) ? param : [param];
  const record: Record<string, string> = {};
  for (const item of items) {
    const text = String(item);
    const at = text.indexOf('=');
    if (at <= 0) throw new Error(`--param "${text}" is not name=value`);
    record[text.slice(0, at)] = text.slice(at + 1).trimEnd();
  }
  return record;
};

/**
 * The Parameters section for the given settings; throws one message listing every wrong name or
 * value together with what is allowed.
 */
export const settingsParameters = (given: Readonly<Record<string, string>>): Record<string, CfnParameter> => {
  const { problems, values } = checkSettingsRecord(given);
  if (problems.length > 0) {
    throw new Error(`Invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return Object.fromEntries(
    SETTINGS.map((spec) => [spec.name, parameter(spec, values[spec.name] as string)]),
  );
};
