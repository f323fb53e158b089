/**
 * The central stack (templates/mq-guardian-central.yml) is checked as the member stack is: its
 * resources against the CloudFormation resource specification, its conditions decided for each
 * parameter choice, and its policies admit the organization and nothing else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS } from '../../shared/policy/settings-schema.ts';
import { asArray, type CfnResource, effectiveTemplate, type Json, type Template } from './cfn.ts';
import {
  loadResourceSpecification,
  locateSpecDatabase,
  type ResourceSpecification,
  validateReferences,
  validateResources,
} from './resource-spec.ts';
import { globalNameViolations, transformViolations } from './stackset-constraints.ts';

const FILE = join(import.meta.dirname, '..', '..', 'templates', 'mq-guardian-central.yml');
const template = yaml.load(readFileSync(FILE, 'utf8')) as Template & Json;
const ORGANIZATION = { OrganizationId: 'o-exampleorgid' };

let spec: ResourceSpecification;

beforeAll(() => {
  const located = locateSpecDatabase();
  if ('missing' in located) throw new Error(`No CloudFormation resource specification: ${located.missing}`);
  spec = loadResourceSpecification(located.path);
});

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Principal?: unknown;
  readonly Action: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

const statementsOf = (resource: CfnResource | undefined, property: string): Statement[] =>
  (resource?.Properties?.[property] as { Statement?: Statement[] } | undefined)?.Statement ?? [];

describe('the central template', () => {
  it.each([
    ['with the defaults', {}],
    [
      'with an e-mail subscription and the Config aggregator',
      { AlertEmail: 'security@example.com', ConfigAggregator: 'true' },
    ],
  ])('deploys %s: every resource and output valid against the resource specification', (_, choice) => {
    // Prepare
    const effective = effectiveTemplate(template, { ...ORGANIZATION, ...choice });

    // Act
    const violations = [
      ...validateResources(spec, effective.resources, Object.keys(template.Parameters ?? {})),
      ...Object.entries(effective.outputs).flatMap(([id, output]) =>
        validateReferences(spec, effective.resources, `Outputs.${id}`, output),
      ),
    ].map((v) => `${v.resource} ${v.path}: ${v.message}`);

    // Assess
    expect(Object.keys(effective.resources).length).toBeGreaterThanOrEqual(4);
    expect(violations).toEqual([]);
  });

  it('creates the subscription and the aggregator only when asked', () => {
    // Act
    const plain = Object.keys(effectiveTemplate(template, ORGANIZATION).resources);
    const full = Object.keys(
      effectiveTemplate(template, { ...ORGANIZATION, AlertEmail: 'a@example.com', ConfigAggregator: 'true' })
        .resources,
    );

    // Assess
    expect(plain.sort()).toEqual(
      ['CentralAlertKey', 'CentralAlertKeyAlias', 'CentralAlertTopic', 'CentralAlertTopicPolicy'].sort(),
    );
    expect(full.filter((id) => !plain.includes(id)).sort()).toEqual(
      ['CentralAlertEmailSubscription', 'ConfigAggregator', 'ConfigAggregatorRole'].sort(),
    );
  });

  it('lets principals of the organization publish, nobody else, and only over TLS', () => {
    // Prepare
    const policy = template.Resources.CentralAlertTopicPolicy;

    // Act
    const statements = statementsOf(policy, 'PolicyDocument');

    // Assess
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]?.Action).toBe('sns:Publish');
    expect(allows[0]?.Condition).toEqual({
      StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } },
    });
    const denies = statements.filter((s) => s.Effect === 'Deny');
    expect(denies.map((s) => s.Condition)).toEqual([{ Bool: { 'aws:SecureTransport': 'false' } }]);
  });

  it('lets the organization use the topic key only through SNS in this region', () => {
    // Act
    const statements = statementsOf(template.Resources.CentralAlertKey, 'KeyPolicy');

    // Assess
    const organization = statements.filter((s) => s.Condition?.StringEquals?.['aws:PrincipalOrgID']);
    expect(organization).toHaveLength(1);
    expect(asArray(organization[0]?.Action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(organization[0]?.Condition).toEqual({
      StringEquals: {
        'aws:PrincipalOrgID': { Ref: 'OrganizationId' },
        'kms:ViaService': { 'Fn::Sub': `sns.\${AWS::Region}.amazonaws.com` },
      },
    });
  });

  it('has no transform and no account-wide name that would collide between regions', () => {
    // Act / Assess
    expect(transformViolations(template)).toEqual([]);
    expect(globalNameViolations(template.Resources)).toEqual([]);
  });

  it('refuses an organization id that is not one', () => {
    // Prepare
    const pattern = new RegExp(
      (template.Parameters as Record<string, { AllowedPattern: string }>).OrganizationId?.AllowedPattern ??
        '^$',
    );

    // Act / Assess
    expect(pattern.test('o-exampleorgid')).toBe(true);
    expect(pattern.test('r-abcd')).toBe(false);
    expect(pattern.test('o-short')).toBe(false);
  });

  it('outputs the topic ARN the member setting centralAlertTopicArn takes', () => {
    // Prepare
    const setting = SETTINGS.find((s) => s.name === 'centralAlertTopicArn');
    const rule = setting?.rule;

    // Act
    const accepts =
      rule?.kind === 'pattern' &&
      new RegExp(rule.pattern).test('arn:aws:sns:eu-central-1:999988887777:mq-guardian-central-alerts');

    // Assess
    expect(template.Outputs?.CentralAlertTopicArn?.Value).toEqual({ Ref: 'CentralAlertTopic' });
    expect(accepts).toBe(true);
  });
});
