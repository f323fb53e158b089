import { describe, expect, it } from 'vitest';
import { eventPatternViolations, scheduleExpressionViolations } from './event-pattern-grammar.ts';

describe('eventPatternViolations', () => {
  it.each([
    ['exact values', { source: ['aws.ec2'], 'detail-type': ['AWS API Call via CloudTrail'] }],
    ['nested objects', { detail: { eventSource: ['ec2.amazonaws.com'], requestParameters: { a: ['b'] } } }],
    ['null, numbers and booleans', { detail: { a: [null], b: [3, 4.5], c: [true] } }],
    ['exists false', { detail: { errorCode: [{ exists: false }] } }],
    ['prefix', { id: [{ prefix: 'sg-' }, { prefix: 'sgr-' }] }],
    ['prefix ignoring case', { id: [{ prefix: { 'equals-ignore-case': 'SG-' } }] }],
    ['suffix', { key: [{ suffix: '.png' }] }],
    ['equals-ignore-case', { name: [{ 'equals-ignore-case': 'alice' }] }],
    ['wildcard', { name: [{ wildcard: 'dir/*.png' }] }],
    ['cidr v4', { ip: [{ cidr: '10.0.0.0/24' }] }],
    ['cidr v6', { ip: [{ cidr: '2001:db8::/32' }] }],
    ['numeric range', { n: [{ numeric: ['>', 0, '<=', 5] }] }],
    ['numeric equality', { n: [{ numeric: ['=', 300] }] }],
    ['anything-but value', { state: [{ 'anything-but': 'initializing' }] }],
    ['anything-but list', { state: [{ 'anything-but': ['stopped', 'overloaded'] }] }],
    ['anything-but prefix', { state: [{ 'anything-but': { prefix: 'init' } }] }],
    ['anything-but wildcard list', { state: [{ 'anything-but': { wildcard: ['a*', 'b*'] } }] }],
    ['$or', { $or: [{ a: ['1'] }, { b: ['2'] }] }],
  ])('accepts %s', (_name, pattern) => {
    // Act
    const violations = eventPatternViolations(pattern);
    // Assess
    expect(violations).toEqual([]);
  });

  it.each([
    ['an empty pattern', {}, 'non-empty JSON object'],
    ['a bare value instead of a list', { source: 'aws.ec2' }, 'list of matchers'],
    ['an empty list', { source: [] }, 'empty list'],
    ['an unknown operator', { source: [{ 'starts-with': 'aws.' }] }, 'not an event-pattern operator'],
    ['two operators in one matcher', { source: [{ prefix: 'a', suffix: 'b' }] }, 'exactly one operator'],
    ['exists with a string', { a: [{ exists: 'false' }] }, 'exists takes true or false'],
    ['prefix with a number', { a: [{ prefix: 3 }] }, 'prefix takes a string'],
    ['a malformed cidr', { ip: [{ cidr: '10.0.0.0/33' }] }, 'cidr'],
    ['numeric with an unknown operator', { n: [{ numeric: ['!=', 1] }] }, 'operator'],
    ['numeric with two lower bounds', { n: [{ numeric: ['>', 1, '>=', 2] }] }, 'lower and an upper bound'],
    ['numeric with a string operand', { n: [{ numeric: ['>', '1'] }] }, 'not a number'],
    ['anything-but with a mixed list', { a: [{ 'anything-but': ['x', 1] }] }, 'anything-but'],
    ['anything-but with exists', { a: [{ 'anything-but': { exists: true } }] }, 'anything-but'],
    ['$or with one alternative', { $or: [{ a: ['1'] }] }, 'at least two'],
  ])('rejects %s', (_name, pattern, message) => {
    // Act
    const violations = eventPatternViolations(pattern);
    // Assess
    expect(violations.join('\n')).toContain(message);
  });

  it('reads a pattern given as JSON text, as CloudFormation may hold it', () => {
    // Act
    const good = eventPatternViolations('{"source": ["aws.amazonmq"]}');
    const bad = eventPatternViolations('{"source": "aws.amazonmq"}');
    // Assess
    expect(good).toEqual([]);
    expect(bad).toHaveLength(1);
  });
});

describe('scheduleExpressionViolations', () => {
  it.each([
    'rate(1 hour)',
    'rate(30 minutes)',
    'rate(1 day)',
    'cron(0 12 * * ? *)',
    'cron(15 10 ? * MON-FRI *)',
  ])('accepts %s', (expression) => {
    // Assess
    expect(scheduleExpressionViolations(expression)).toEqual([]);
  });

  it.each([
    ['rate(1 hours)', 'singular'],
    ['rate(2 hour)', 'plural'],
    ['rate(0 minutes)', 'positive'],
    ['rate(1 week)', 'not rate'],
    ['cron(0 12 * * *)', 'six fields'],
    ['cron(0 12 * * MON *)', 'exactly one'],
    ['every hour', 'not rate'],
  ])('rejects %s', (expression, message) => {
    // Act
    const violations = scheduleExpressionViolations(expression);
    // Assess
    expect(violations.join('\n')).toContain(message);
  });
});
