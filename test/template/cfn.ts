/**
 * The CloudFormation template as CloudFormation would deploy it with given Parameter values (by
 * default each Parameter's Default, which is what `npm run deploy` deploys): every `Ref` to a
 * Parameter and every `${parameter}` in an `Fn::Sub` is replaced by its value, so every Condition
 * compares literals and can be decided here: the "effective" template keeps the resources and outputs
 * whose condition holds and replaces every `Fn::If` by the branch taken (`AWS::NoValue` removes the
 * property or list element), which is what the tests then inspect. Anything this evaluator does not
 * model throws instead of guessing.
 */

export type Json = Record<string, unknown>;

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Json;
  readonly Condition?: string;
  readonly DependsOn?: string | string[];
  readonly [attribute: string]: unknown;
}

export interface Template {
  readonly Resources: Record<string, CfnResource>;
  readonly Conditions?: Record<string, unknown>;
  readonly Outputs?: Record<string, Json>;
  readonly Parameters?: Record<string, unknown>;
}

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The one key of an intrinsic function object (`Ref`, `Fn::…`, `Condition`), if it is one. */
export const intrinsicName = (value: unknown): string | undefined => {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const [key] = keys as [string];
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') ? key : undefined;
};

const NO_VALUE = Symbol('AWS::NoValue');

class ConditionEvaluator {
  private readonly cache = new Map<string, boolean>();
  private readonly evaluating = new Set<string>();

  constructor(
    private readonly conditions: Record<string, unknown>,
    private readonly parameters: Readonly<Record<string, ParameterValue>>,
  ) {}

  condition(name: string): boolean {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached;
    if (!Object.hasOwn(this.conditions, name)) throw new Error(`Condition ${name} is not defined`);
    if (this.evaluating.has(name)) throw new Error(`Condition ${name} refers to itself`);
    this.evaluating.add(name);
    const result = this.bool(this.conditions[name], name);
    this.evaluating.delete(name);
    this.cache.set(name, result);
    return result;
  }

  private bool(expression: unknown, at: string): boolean {
    const fn = intrinsicName(expression);
    const args = fn ? (expression as Json)[fn] : undefined;
    switch (fn) {
      case 'Condition':
        if (typeof args !== 'string') throw new Error(`${at}: Condition takes a name`);
        return this.condition(args);
      case 'Fn::Equals': {
        if (!Array.isArray(args) || args.length !== 2) throw new Error(`${at}: Fn::Equals takes two values`);
        return this.value(args[0], at) === this.value(args[1], at);
      }
      case 'Fn::Not': {
        if (!Array.isArray(args) || args.length !== 1) throw new Error(`${at}: Fn::Not takes one condition`);
        return !this.bool(args[0], at);
      }
      case 'Fn::And':
      case 'Fn::Or': {
        // CloudFormation: "The minimum number of conditions that you can include is 2, and the maximum is 10."
        if (!Array.isArray(args) || args.length < 2 || args.length > 10) {
          throw new Error(
            `${at}: ${fn} takes 2 to 10 conditions, got ${Array.isArray(args) ? args.length : 0}`,
          );
        }
        const values = args.map((arg) => this.bool(arg, at));
        return fn === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
      }
      default:
        throw new Error(`${at}: ${JSON.stringify(expression)} is not a condition function`);
    }
  }

  /** The literal string (or list of strings) an expression inside a condition stands for. */
  private value(expression: unknown, at: string): string | string[] {
    if (typeof expression === 'string') return expression;
    if (typeof expression === 'number' || typeof expression === 'boolean') return String(expression);
    const fn = intrinsicName(expression);
    const args = fn ? (expression as Json)[fn] : undefined;
    switch (fn) {
      case 'Ref': {
        if (typeof args !== 'string' || !Object.hasOwn(this.parameters, args)) {
          throw new Error(`${at}: Ref ${JSON.stringify(args)} cannot be decided while packaging`);
        }
        return String(this.parameters[args]);
      }
      case 'Fn::Join': {
        if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== 'string') {
          throw new Error(`${at}: Fn::Join takes a delimiter and a list`);
        }
        const list = Array.isArray(args[1]) ? args[1].map((v) => this.value(v, at)) : this.value(args[1], at);
        if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) {
          throw new Error(`${at}: Fn::Join joins a list of strings`);
        }
        return (list as string[]).join(args[0]);
      }
      case 'Fn::Split': {
        if (!Array.isArray(args) || args.length !== 2 || typeof args[0] !== 'string') {
          throw new Error(`${at}: Fn::Split takes a delimiter and a string`);
        }
        const source = this.value(args[1], at);
        if (typeof source !== 'string') throw new Error(`${at}: Fn::Split splits a string`);
        return source.split(args[0]);
      }
      case 'Fn::Select': {
        if (!Array.isArray(args) || args.length !== 2)
          throw new Error(`${at}: Fn::Select takes an index and a list`);
        const index = Number(args[0]);
        const list = this.value(args[1], at);
        if (!Array.isArray(list) || !Number.isInteger(index) || index < 0 || index >= list.length) {
          throw new Error(`${at}: Fn::Select index ${String(args[0])} is outside the list`);
        }
        return list[index] as string;
      }
      default:
        throw new Error(`${at}: ${JSON.stringify(expression)} cannot be decided while packaging`);
    }
  }
}

/** Replaces every Fn::If by the branch its condition selects; NO_VALUE marks what AWS::NoValue removes. */
const resolveIfs = (
  value: unknown,
  evaluator: ConditionEvaluator,
  at: string,
  parameters: Readonly<Record<string, ParameterValue>>,
): unknown => {
  if (Array.isArray(value)) {
    return value
      .map((item, i) => resolveIfs(item, evaluator, `${at}[${i}]`, parameters))
      .filter((item) => item !== NO_VALUE);
  }
  if (!isObject(value)) return value;
  if (intrinsicName(value) === 'Ref' && value.Ref === 'AWS::NoValue') return NO_VALUE;
  if (
    intrinsicName(value) === 'Ref' &&
    typeof value.Ref === 'string' &&
    Object.hasOwn(parameters, value.Ref)
  ) {
    return parameters[value.Ref];
  }
  if (intrinsicName(value) === 'Fn::Sub' && typeof value['Fn::Sub'] === 'string') {
    return {
      'Fn::Sub': value['Fn::Sub'].replace(/\$\{([A-Za-z0-9]+)\}/g, (whole, name: string) =>
        Object.hasOwn(parameters, name) ? String(parameters[name]) : whole,
      ),
    };
  }
  if (intrinsicName(value) === 'Fn::If') {
    const args = value['Fn::If'];
    if (!Array.isArray(args) || args.length !== 3 || typeof args[0] !== 'string') {
      throw new Error(`${at}: Fn::If takes a condition name and two values`);
    }
    return resolveIfs(evaluator.condition(args[0]) ? args[1] : args[2], evaluator, at, parameters);
  }
  const result: Json = {};
  for (const [key, item] of Object.entries(value)) {
    const resolved = resolveIfs(item, evaluator, `${at}.${key}`, parameters);
    if (resolved !== NO_VALUE) result[key] = resolved;
  }
  return result;
};

export interface EffectiveTemplate {
  readonly resources: Record<string, CfnResource>;
  readonly outputs: Record<string, Json>;
  /** Every condition of the template, decided. */
  readonly conditions: Record<string, boolean>;
}

/** A Parameter's value as `Ref` gives it to a property: a Number Parameter's is a number. */
export type ParameterValue = string | number;

/** Each Parameter's value: the override when given, else its Default; one with neither throws. */
export const parameterValues = (
  template: Template,
  overrides: Readonly<Record<string, string>> = {},
): Record<string, ParameterValue> => {
  const values: Record<string, ParameterValue> = {};
  for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
    const given = Object.hasOwn(overrides, name)
      ? overrides[name]
      : isObject(parameter)
        ? parameter.Default
        : undefined;
    if (given === undefined) throw new Error(`Parameter ${name} has no value and no Default`);
    values[name] = isObject(parameter) && parameter.Type === 'Number' ? Number(given) : String(given);
  }
  return values;
};

export const effectiveTemplate = (
  template: Template,
  overrides: Readonly<Record<string, string>> = {},
): EffectiveTemplate => {
  const parameters = parameterValues(template, overrides);
  const evaluator = new ConditionEvaluator(template.Conditions ?? {}, parameters);
  const conditions = Object.fromEntries(
    Object.keys(template.Conditions ?? {}).map((name) => [name, evaluator.condition(name)]),
  );
  const keep = <T extends Json>(entries: Record<string, T>, kind: string): Record<string, T> =>
    Object.fromEntries(
      Object.entries(entries)
        .filter(([, entry]) => typeof entry.Condition !== 'string' || evaluator.condition(entry.Condition))
        .map(([id, entry]) => [id, resolveIfs(entry, evaluator, `${kind}.${id}`, parameters) as T]),
    );
  return {
    resources: keep(template.Resources as Record<string, CfnResource & Json>, 'Resources'),
    outputs: keep(template.Outputs ?? {}, 'Outputs'),
    conditions,
  };
};

/** The logical id an `{ "Fn::GetAtt": [id, attribute] }` or `{ "Ref": id }` points at. */
export const referencedId = (value: unknown, attribute?: string): string | undefined => {
  if (!isObject(value)) return undefined;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && (attribute === undefined || getAtt[1] === attribute)) {
    return typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
  }
  if (attribute === undefined && typeof value.Ref === 'string') return value.Ref;
  return undefined;
};

/** A resource ARN as written: a plain string or the template of an `Fn::Sub`. */
export const arnText = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value['Fn::Sub'] === 'string') return value['Fn::Sub'];
  return undefined;
};
