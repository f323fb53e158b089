/**
 * The opt-out tag means the same to the code and to IAM: for generated values of
 * `mq-guardian:remediation` (case changes, blanks around, other words, empty, characters whose case
 * folds oddly), `optsOut` is true exactly when the remediating role's Deny statement, built from
 * `OPT_OUT_IAM_CONDITION` as serverless.yml writes it (test/template/package.test.ts pins the packaged
 * statement to the same constant), denies a change to the group. IAM is evaluated with
 * @cloud-copilot/iam-simulate, which validates the condition operators and keys as it goes.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPT_OUT_IAM_CONDITION, optsOut } from '../../shared/policy/opt-out.ts';
import { TAGS } from '../../shared/policy/settings.ts';

const ACCOUNT = '123456789012';
const GROUP = `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-0a1b2c3d4e5f60001`;
const RUNS = 300;

/** The remediating role as far as this question goes: may revoke anywhere, except what the Deny covers. */
const policy = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'ChangeIngress', Effect: 'Allow', Action: 'ec2:RevokeSecurityGroupIngress', Resource: '*' },
    {
      Sid: 'HonourRemediationOff',
      Effect: 'Deny',
      Action: 'ec2:RevokeSecurityGroupIngress',
      Resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/*`,
      Condition: OPT_OUT_IAM_CONDITION,
    },
  ],
};

/** Whether IAM denies a revoke on a group carrying `value` (undefined: no such tag). */
const iamDenies = async (value: string | undefined): Promise<boolean> => {
  const context =
    value === undefined
      ? {}
      : { [`aws:ResourceTag/${TAGS.remediation}`]: value, [`ec2:ResourceTag/${TAGS.remediation}`]: value };
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:role/mq-guardian-remediator`,
        action: 'ec2:RevokeSecurityGroupIngress',
        resource: { resource: GROUP, accountId: ACCOUNT },
        contextVariables: context,
      },
      identityPolicies: [{ name: 'remediator', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`IAM simulation: ${JSON.stringify(result.errors)}`);
  return result.overallResult === 'ExplicitlyDenied';
};

const codeOptsOut = (value: string | undefined): boolean =>
  optsOut(value === undefined ? {} : { [TAGS.remediation]: value });

const PIECES = [
  'off',
  'OFF',
  'Off',
  'on',
  'ON',
  'enforce',
  'Enforce',
  'dry-run',
  'o',
  'f',
  'n',
  ' ',
  '\t',
  '\n',
];
const ODD = ['ſ', 'ı', 'İ', 'K', 'ＯＮ', 'ﬀ', '\u00a0', '\u200b'];

/** Tag values as people and tools write them: pieces of the real values with blanks and odd characters. */
const tagValue = fc.oneof(
  fc.constantFrom(
    'off',
    'OFF',
    ' off ',
    'Off\n',
    'on',
    'On',
    ' on',
    'enforce',
    'ENFORCE',
    'enforce ',
    '',
    'disabled',
  ),
  fc.array(fc.constantFrom(...PIECES, ...ODD), { maxLength: 4 }).map((parts) => parts.join('')),
  fc.string({ maxLength: 8 }),
);

describe('the mq-guardian:remediation tag', () => {
  it('opts a group out in the code exactly when IAM denies the remediator a change to it', async () => {
    // Prepare
    const values = [undefined, ...fc.sample(tagValue, { numRuns: RUNS, seed: 20261205 })];

    // Act
    const disagreements: string[] = [];
    for (const value of values) {
      const [code, iam] = [codeOptsOut(value), await iamDenies(value)];
      if (code !== iam) disagreements.push(`${JSON.stringify(value)}: code ${code}, IAM ${iam}`);
    }

    // Assess
    expect(disagreements).toEqual([]);
    expect(values.filter((v) => codeOptsOut(v)).length).toBeGreaterThan(0);
    expect(values.filter((v) => !codeOptsOut(v)).length).toBeGreaterThan(0);
  });

  it.each([
    [undefined, false],
    ['off', true],
    [' off ', true],
    ['Off\n', true],
    ['disabled', true],
    ['', true],
    ['on', false],
    ['ENFORCE', false],
    [' on', true],
  ])('with the value %j opts out: %s', (value, expected) => {
    // Act
    const result = codeOptsOut(value);

    // Assess
    expect(result).toBe(expected);
  });
});
