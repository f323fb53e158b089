/**
 * A small EventBridge event-pattern matcher for tests: enough to hold the patterns in serverless.yml
 * to the sample events in events/. It follows the EventBridge user guide ("Event patterns",
 * "Arrays in event patterns", "Content filtering", "Matching null values and empty strings"):
 *
 * - every key of the pattern must match (AND); the values listed for a key are alternatives (OR);
 * - a pattern object matches the event object at the same place; an array of objects in the event
 *   matches if one of its elements does;
 * - a leaf in the event that is an array matches if any of its elements matches;
 * - objects are not leaves: `exists: true` does not match them, `exists: false` does, and
 *   `exists: false` also matches when the field, or any object above it, is absent;
 * - strings compare character by character, `null` and `""` are different values.
 *
 * Operators: exact values, `exists`, `prefix`, `suffix`, `equals-ignore-case`, `wildcard`,
 * `anything-but` (value, list, `prefix`, `suffix`, `wildcard`, `equals-ignore-case`) and `numeric`.
 * Anything else (`cidr`, `$or`, ...) throws, so that a test never passes on a pattern this matcher
 * does not understand. Not modelled: EventBridge compares numbers by their JSON text (300 and 300.0
 * differ there); after JSON.parse they are the same number here.
 */

export type EventPattern = { readonly [key: string]: unknown };

type Leaf = string | number | boolean | null;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isLeaf = (value: unknown): value is Leaf =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** The leaf values at a field: none when absent or an object, the elements when an array. */
const leavesOf = (value: unknown): Leaf[] => {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(leavesOf);
  return isLeaf(value) ? [value] : [];
};

export class UnsupportedPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedPatternError';
  }
}

const unsupported = (path: string, detail: string): never => {
  throw new UnsupportedPatternError(`Event pattern at ${path === '' ? '(root)' : path}: ${detail}`);
};

/** Whether `event` matches `pattern`. Throws UnsupportedPatternError on patterns EventBridge would reject or this does not model. */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  if (!isObject(pattern)) return unsupported('', 'a pattern is a JSON object');
  return matchObject(pattern, event, '');
}

const matchObject = (pattern: Record<string, unknown>, event: unknown, path: string): boolean => {
  const keys = Object.keys(pattern);
  if (keys.length === 0) return unsupported(path, 'an empty object matches nothing useful');
  return keys.every((key) => {
    const expected = pattern[key];
    const here = path === '' ? key : `${path}.${key}`;
    if (key.startsWith('$')) return unsupported(here, `operator ${key} is not modelled`);
    const actual = isObject(event) ? event[key] : undefined;
    if (Array.isArray(expected)) return matchLeaf(expected, actual, here);
    if (isObject(expected)) {
      if (Array.isArray(actual)) return actual.some((element) => matchObject(expected, element, here));
      return matchObject(expected, isObject(actual) ? actual : undefined, here);
    }
    return unsupported(here, 'a value to match must be an array or an object');
  });
};

const matchLeaf = (alternatives: readonly unknown[], actual: unknown, path: string): boolean => {
  if (alternatives.length === 0) return unsupported(path, 'an empty list of values matches nothing');
  const leaves = leavesOf(actual);
  return alternatives.some((alternative) => {
    if (isLeaf(alternative)) return leaves.some((leaf) => leaf === alternative);
    if (isObject(alternative)) return matchOperator(alternative, leaves, path);
    return unsupported(path, 'a value to match must be a string, number, boolean, null or operator object');
  });
};

const operatorOf = (condition: Record<string, unknown>, path: string): [string, unknown] => {
  const entries = Object.entries(condition);
  const entry = entries[0];
  if (entries.length !== 1 || entry === undefined)
    return unsupported(path, 'an operator object has exactly one key');
  return entry;
};

const matchOperator = (
  condition: Record<string, unknown>,
  leaves: readonly Leaf[],
  path: string,
): boolean => {
  const [operator, operand] = operatorOf(condition, path);
  switch (operator) {
    case 'exists':
      if (typeof operand !== 'boolean') return unsupported(path, 'exists takes true or false');
      return operand ? leaves.length > 0 : leaves.length === 0;
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
    case 'wildcard': {
      const test = stringTest(operator, operand, path);
      return leaves.some((leaf) => typeof leaf === 'string' && test(leaf));
    }
    case 'anything-but':
      return matchAnythingBut(operand, leaves, path);
    case 'numeric': {
      const test = numericTest(operand, path);
      return leaves.some((leaf) => typeof leaf === 'number' && test(leaf));
    }
    default:
      return unsupported(path, `operator ${operator} is not modelled`);
  }
};

const stringTest = (operator: string, operand: unknown, path: string): ((value: string) => boolean) => {
  if (operator === 'prefix' || operator === 'suffix') {
    const ignoreCase = isObject(operand) ? operatorOf(operand, path) : undefined;
    if (
      ignoreCase !== undefined &&
      (ignoreCase[0] !== 'equals-ignore-case' || typeof ignoreCase[1] !== 'string')
    ) {
      return unsupported(path, `${operator} takes a string or { "equals-ignore-case": string }`);
    }
    const text = ignoreCase === undefined ? operand : ignoreCase[1];
    if (typeof text !== 'string') return unsupported(path, `${operator} takes a string`);
    const fold = (value: string) => (ignoreCase === undefined ? value : value.toLowerCase());
    const needle = fold(text);
    return operator === 'prefix'
      ? (value) => fold(value).startsWith(needle)
      : (value) => fold(value).endsWith(needle);
  }
  if (typeof operand !== 'string') return unsupported(path, `${operator} takes a string`);
  if (operator === 'equals-ignore-case') {
    const lower = operand.toLowerCase();
    return (value) => value.toLowerCase() === lower;
  }
  const regex = wildcardRegex(operand);
  return (value) => regex.test(value);
};

/** `*` matches any run of characters; `\*` is a literal star (EventBridge wildcard filtering). */
const wildcardRegex = (glob: string): RegExp => {
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index] as string;
    if (char === '\\' && glob[index + 1] === '*') {
      source += '\\*';
      index += 1;
    } else if (char === '*') source += '[\\s\\S]*';
    else source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
};

/** Matches when the field exists and one of its values is not excluded. */
const matchAnythingBut = (operand: unknown, leaves: readonly Leaf[], path: string): boolean => {
  let excluded: (leaf: Leaf) => boolean;
  if (typeof operand === 'string' || typeof operand === 'number') {
    excluded = (leaf) => leaf === operand;
  } else if (Array.isArray(operand)) {
    const allStrings = operand.every((value) => typeof value === 'string');
    const allNumbers = operand.every((value) => typeof value === 'number');
    if (operand.length === 0 || !(allStrings || allNumbers)) {
      return unsupported(path, 'anything-but takes a list of only strings or only numbers');
    }
    const values: readonly unknown[] = operand;
    excluded = (leaf) => values.includes(leaf);
  } else if (isObject(operand)) {
    const [inner, value] = operatorOf(operand, path);
    if (!['prefix', 'suffix', 'wildcard', 'equals-ignore-case'].includes(inner)) {
      return unsupported(path, `anything-but with ${inner} is not modelled`);
    }
    const test = stringTest(inner, value, path);
    excluded = (leaf) => typeof leaf === 'string' && test(leaf);
  } else {
    return unsupported(path, 'anything-but takes a string, a number, a list or a string operator');
  }
  return leaves.some((leaf) => !excluded(leaf));
};

const NUMERIC_OPERATORS: Readonly<Record<string, (value: number, bound: number) => boolean>> = {
  '=': (value, bound) => value === bound,
  '<': (value, bound) => value < bound,
  '<=': (value, bound) => value <= bound,
  '>': (value, bound) => value > bound,
  '>=': (value, bound) => value >= bound,
};

const numericTest = (operand: unknown, path: string): ((value: number) => boolean) => {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    return unsupported(path, 'numeric takes one or two [operator, number] pairs');
  }
  const checks: ((value: number) => boolean)[] = [];
  for (let index = 0; index < operand.length; index += 2) {
    const compare = NUMERIC_OPERATORS[String(operand[index])];
    const bound = operand[index + 1];
    if (compare === undefined || typeof bound !== 'number') {
      return unsupported(
        path,
        `numeric: ${JSON.stringify(operand[index])} ${JSON.stringify(bound)} is not a comparison`,
      );
    }
    checks.push((value) => compare(value, bound));
  }
  return (value) => checks.every((check) => check(value));
};
