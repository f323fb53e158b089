/**
 * The grammar EventBridge accepts for event patterns and schedule expressions, as its user guide
 * states it ("Creating event patterns", "Content filtering in event patterns", "Creating a rule that
 * runs on a schedule": rate and cron expressions). No machine-readable grammar ships in any package,
 * so this is the documented grammar written out; each rule below has a positive and a negative case
 * in event-pattern-grammar.test.ts. Returns every violation found (empty = valid).
 *
 * Pattern grammar:
 * - a pattern is a non-empty object; each key maps to a nested pattern object or to a non-empty array
 *   of matchers; `$or` maps to an array of at least two patterns;
 * - a matcher is a string, number, boolean or null, or an object with exactly one operator:
 *   `prefix` / `suffix` (string, or `{ equals-ignore-case: string }`), `equals-ignore-case` (string),
 *   `wildcard` (string), `cidr` (an IPv4 or IPv6 CIDR), `exists` (boolean), `numeric` (one or two
 *   comparisons `op, number` with op one of < <= = > >=; two must be a lower and an upper bound),
 *   `anything-but` (a value, a list of strings or of numbers, or an object with one of `prefix`,
 *   `suffix`, `equals-ignore-case`, `wildcard`).
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isScalar = (value: unknown): boolean =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

const COMPARISONS = new Set(['<', '<=', '=', '>', '>=']);
const LOWER = new Set(['>', '>=']);
const UPPER = new Set(['<', '<=']);

const IPV4_CIDR =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/([0-9]|[12]\d|3[0-2])$/;
const IPV6_CIDR = /^[0-9A-Fa-f:]+\/([0-9]|[1-9]\d|1[01]\d|12[0-8])$/;

const validateNumeric = (value: unknown, at: string, errors: string[]): void => {
  if (!Array.isArray(value) || (value.length !== 2 && value.length !== 4)) {
    errors.push(`${at}: numeric takes one or two "operator, number" comparisons`);
    return;
  }
  const ops: string[] = [];
  for (let i = 0; i < value.length; i += 2) {
    const op = value[i];
    const operand = value[i + 1];
    if (typeof op !== 'string' || !COMPARISONS.has(op))
      errors.push(`${at}: numeric operator ${JSON.stringify(op)} is not one of < <= = > >=`);
    else ops.push(op);
    if (typeof operand !== 'number' || !Number.isFinite(operand))
      errors.push(`${at}: numeric operand ${JSON.stringify(operand)} is not a number`);
  }
  if (
    ops.length === 2 &&
    !(
      (LOWER.has(ops[0] as string) && UPPER.has(ops[1] as string)) ||
      (UPPER.has(ops[0] as string) && LOWER.has(ops[1] as string))
    )
  ) {
    errors.push(`${at}: two numeric comparisons must be a lower and an upper bound`);
  }
};

const validateCaseInsensitiveString = (
  operator: string,
  value: unknown,
  at: string,
  errors: string[],
): void => {
  if (typeof value === 'string') return;
  if (isObject(value) && Object.keys(value).length === 1 && typeof value['equals-ignore-case'] === 'string')
    return;
  errors.push(`${at}: ${operator} takes a string or { "equals-ignore-case": string }`);
};

const validateAnythingBut = (value: unknown, at: string, errors: string[]): void => {
  if (isScalar(value) && value !== null && typeof value !== 'boolean') return;
  if (Array.isArray(value)) {
    const strings = value.every((v) => typeof v === 'string');
    const numbers = value.every((v) => typeof v === 'number');
    if (value.length === 0 || !(strings || numbers))
      errors.push(`${at}: anything-but takes a non-empty list of strings or of numbers`);
    return;
  }
  if (isObject(value) && Object.keys(value).length === 1) {
    const [operator] = Object.keys(value) as [string];
    const operand = value[operator];
    const stringOrStrings =
      typeof operand === 'string' ||
      (Array.isArray(operand) && operand.length > 0 && operand.every((v) => typeof v === 'string'));
    if ((operator === 'prefix' || operator === 'suffix') && typeof operand === 'string') return;
    if ((operator === 'equals-ignore-case' || operator === 'wildcard') && stringOrStrings) return;
  }
  errors.push(
    `${at}: anything-but takes a value, a list, or one of prefix / suffix / equals-ignore-case / wildcard`,
  );
};

const validateMatcher = (matcher: unknown, at: string, errors: string[]): void => {
  if (isScalar(matcher)) return;
  if (!isObject(matcher) || Object.keys(matcher).length !== 1) {
    errors.push(
      `${at}: a matcher is a value or an object with exactly one operator, got ${JSON.stringify(matcher)}`,
    );
    return;
  }
  const [operator] = Object.keys(matcher) as [string];
  const operand = matcher[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
      validateCaseInsensitiveString(operator, operand, at, errors);
      return;
    case 'equals-ignore-case':
    case 'wildcard':
      if (typeof operand !== 'string') errors.push(`${at}: ${operator} takes a string`);
      return;
    case 'exists':
      if (typeof operand !== 'boolean') errors.push(`${at}: exists takes true or false`);
      return;
    case 'cidr':
      if (typeof operand !== 'string' || !(IPV4_CIDR.test(operand) || IPV6_CIDR.test(operand))) {
        errors.push(`${at}: cidr takes an IPv4 or IPv6 CIDR block`);
      }
      return;
    case 'numeric':
      validateNumeric(operand, at, errors);
      return;
    case 'anything-but':
      validateAnythingBut(operand, at, errors);
      return;
    default:
      errors.push(`${at}: ${operator} is not an event-pattern operator`);
  }
};

const validateObject = (pattern: unknown, at: string, errors: string[]): void => {
  if (!isObject(pattern) || Object.keys(pattern).length === 0) {
    errors.push(`${at}: a pattern is a non-empty JSON object`);
    return;
  }
  for (const [key, value] of Object.entries(pattern)) {
    const here = at === '' ? key : `${at}.${key}`;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2)
        errors.push(`${here}: $or takes a list of at least two patterns`);
      else
        for (const [i, alternative] of value.entries()) validateObject(alternative, `${here}[${i}]`, errors);
    } else if (Array.isArray(value)) {
      if (value.length === 0) errors.push(`${here}: an empty list matches nothing`);
      for (const [i, matcher] of value.entries()) validateMatcher(matcher, `${here}[${i}]`, errors);
    } else if (isObject(value)) {
      validateObject(value, here, errors);
    } else {
      errors.push(
        `${here}: a field maps to a list of matchers or to a nested pattern, got ${JSON.stringify(value)}`,
      );
    }
  }
};

/** Every grammar violation of an event pattern (an empty list when EventBridge would accept it). */
export const eventPatternViolations = (pattern: unknown): string[] => {
  const errors: string[] = [];
  validateObject(typeof pattern === 'string' ? (JSON.parse(pattern) as unknown) : pattern, '', errors);
  return errors;
};

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.+)\)$/;

/** Every violation of a schedule expression: `rate(value unit)` or `cron(six fields)`. */
export const scheduleExpressionViolations = (expression: unknown): string[] => {
  if (typeof expression !== 'string') return ['a schedule expression is a string'];
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2] as string;
    if (value < 1) return [`${expression}: the rate must be a positive number`];
    // "If the value is equal to 1, then the unit must be singular ... greater than 1 ... plural."
    if (value === 1 && unit.endsWith('s')) return [`${expression}: a rate of 1 takes a singular unit`];
    if (value > 1 && !unit.endsWith('s')) return [`${expression}: a rate above 1 takes a plural unit`];
    return [];
  }
  const cron = CRON.exec(expression);
  if (cron) {
    const fields = (cron[1] as string).trim().split(/\s+/);
    if (fields.length !== 6)
      return [`${expression}: cron takes six fields (minutes hours day-of-month month day-of-week year)`];
    if ((fields[2] === '?') === (fields[4] === '?')) {
      return [`${expression}: exactly one of day-of-month and day-of-week must be "?"`];
    }
    return [];
  }
  return [`${expression}: not rate(value unit) or cron(...)`];
};
