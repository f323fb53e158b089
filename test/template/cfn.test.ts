import { describe, expect, it } from 'vitest';
import { effectiveTemplate, type Template } from './cfn.ts';

/** The "is <id> in the comma-separated list" condition serverless.yml uses, for one literal list. */
const listed = (id: string, list: string) => {
  const normalized = { 'Fn::Join': ['', [',', { 'Fn::Join': ['', { 'Fn::Split': [' ', list] }] }, ',']] };
  return {
    'Fn::Not': [
      { 'Fn::Equals': [{ 'Fn::Select': [0, { 'Fn::Split': [`,${id},`, normalized] }] }, normalized] },
    ],
  };
};

describe('effectiveTemplate', () => {
  it.each([
    ['a', 'a', true],
    ['a', 'b, a', true],
    ['a', 'b,a ,c', true],
    ['a', '', false],
    ['a', 'ab,ba', false],
    ['mq-broker-highly-available', 'mq-broker-highly-available-x', false],
  ])('decides whether %s is in the list "%s": %s', (id, list, expected) => {
    // Prepare
    const template: Template = { Resources: {}, Conditions: { Listed: listed(id, list) } };
    // Act
    const { conditions } = effectiveTemplate(template);
    // Assess
    expect(conditions.Listed).toBe(expected);
  });

  it('keeps only the resources and outputs whose condition holds', () => {
    // Prepare
    const template: Template = {
      Conditions: { On: { 'Fn::Equals': ['true', 'true'] }, Off: { 'Fn::Not': [{ Condition: 'On' }] } },
      Resources: {
        Kept: { Type: 'AWS::SQS::Queue', Condition: 'On' },
        Dropped: { Type: 'AWS::SQS::Queue', Condition: 'Off' },
        Always: { Type: 'AWS::SQS::Queue' },
      },
      Outputs: { Gone: { Condition: 'Off', Value: { Ref: 'Dropped' } }, Here: { Value: { Ref: 'Always' } } },
    };
    // Act
    const effective = effectiveTemplate(template);
    // Assess
    expect(Object.keys(effective.resources).sort()).toEqual(['Always', 'Kept']);
    expect(Object.keys(effective.outputs)).toEqual(['Here']);
  });

  it('takes the branch of each Fn::If and removes what AWS::NoValue stands for', () => {
    // Prepare
    const template: Template = {
      Conditions: { On: { 'Fn::Equals': ['a', 'a'] }, Off: { 'Fn::Equals': ['a', 'b'] } },
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            Name: { 'Fn::If': ['On', 'yes', 'no'] },
            Gone: { 'Fn::If': ['Off', 'x', { Ref: 'AWS::NoValue' }] },
            List: [
              'a',
              { 'Fn::If': ['Off', 'b', { Ref: 'AWS::NoValue' }] },
              { 'Fn::If': ['On', { 'Fn::If': ['Off', 1, 2] }, 3] },
            ],
          },
        },
      },
    };
    // Act
    const { resources } = effectiveTemplate(template);
    // Assess
    expect(resources.Role?.Properties).toEqual({ Name: 'yes', List: ['a', 2] });
  });

  /** A pseudo parameter the evaluator leaves to CloudFormation. */
  const PARTITION = ['${', 'AWS::Partition}'].join('');

  it('decides conditions on Parameters with their Defaults, or the values given', () => {
    // Prepare
    const template: Template = {
      Parameters: { mode: { Type: 'String', Default: 'off' }, topic: { Type: 'String', Default: '' } },
      Conditions: { Enforce: { 'Fn::Equals': [{ Ref: 'mode' }, 'enforce'] } },
      Resources: {
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Mode: { Ref: 'mode' },
            Action: { 'Fn::If': ['Enforce', 'revoke', 'alert'] },
            Arn: { 'Fn::Sub': `arn:${PARTITION}:sns:\${topic}` },
          },
        },
      },
    };
    // Act
    const byDefault = effectiveTemplate(template).resources.Fn?.Properties;
    const given = effectiveTemplate(template, { mode: 'enforce', topic: 'alerts' }).resources.Fn?.Properties;
    // Assess
    expect(byDefault).toEqual({
      Mode: 'off',
      Action: 'alert',
      Arn: { 'Fn::Sub': `arn:${PARTITION}:sns:` },
    });
    expect(given).toEqual({
      Mode: 'enforce',
      Action: 'revoke',
      Arn: { 'Fn::Sub': `arn:${PARTITION}:sns:alerts` },
    });
  });

  it('refuses a Parameter that has neither a value nor a Default', () => {
    // Prepare
    const template: Template = { Parameters: { bucket: { Type: 'String' } }, Resources: {} };
    // Act
    const decide = () => effectiveTemplate(template);
    // Assess
    expect(decide).toThrow('Parameter bucket has no value');
  });

  it.each([
    ['Fn::And with one condition', { 'Fn::And': [{ 'Fn::Equals': ['a', 'a'] }] }, '2 to 10'],
    [
      'Fn::Or with eleven conditions',
      { 'Fn::Or': Array.from({ length: 11 }, () => ({ 'Fn::Equals': ['a', 'a'] })) },
      '2 to 10',
    ],
    ['an unknown condition', { Condition: 'Nowhere' }, 'not defined'],
    [
      'a value only known on deploy',
      { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
      'cannot be decided',
    ],
    [
      'Fn::Select outside the list',
      { 'Fn::Equals': [{ 'Fn::Select': [1, { 'Fn::Split': [',', 'a'] }] }, 'a'] },
      'outside the list',
    ],
  ])('refuses %s', (_name, condition, message) => {
    // Prepare
    const template: Template = { Resources: {}, Conditions: { C: condition } };
    // Act
    const decide = () => effectiveTemplate(template);
    // Assess
    expect(decide).toThrow(message);
  });
});
