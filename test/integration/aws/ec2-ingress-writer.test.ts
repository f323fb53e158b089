import {
  AuthorizeSecurityGroupIngressCommand,
  EC2Client,
  EC2ServiceException,
  RevokeSecurityGroupIngressCommand,
  type RevokeSecurityGroupIngressCommandInput,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEc2IngressWriter, EC2_WRITE_IAM_ACTIONS } from '../../../shared/aws/ec2.ts';
import { AwsCallError } from '../../../shared/errors.ts';
import { toAuthorizeIngressInput, toRevokeIngressInput } from '../../../shared/model/ec2-requests.ts';
import type { AuthorizeIngressRequest } from '../../../shared/ports.ts';
import authorizeCidrJson from '../../fixtures/aws-sdk/ec2-authorize-security-group-ingress-cidr.json' with {
  type: 'json',
};
import authorizeSgRefJson from '../../fixtures/aws-sdk/ec2-authorize-security-group-ingress-sgref.json' with {
  type: 'json',
};
import { awsError, sentCommands, sentInputs } from './support.ts';

const ec2Mock = mockClient(EC2Client);

const GROUP_ID = 'sg-1234567890abcdef0';

/** The permission of the aws-cli example output (ex1): SSH from 203.0.113.0/24, tagged by mq-guardian. */
const cidrRequest: AuthorizeIngressRequest = {
  groupId: GROUP_ID,
  protocol: 'tcp',
  fromPort: 22,
  toPort: 22,
  source: { kind: 'cidrIpv4', cidr: '203.0.113.0/24' },
  description: 'Narrowed by mq-guardian from sgr-0f00000000000000a',
  tags: { 'mq-guardian:narrowed-from': 'sgr-0f00000000000000a' },
};

const sgRefRequest: AuthorizeIngressRequest = {
  groupId: GROUP_ID,
  protocol: 'tcp',
  fromPort: 80,
  toPort: 80,
  source: { kind: 'securityGroup', groupId: 'sg-1a2b3c4d', userId: '123456789012' },
  description: 'Narrowed by mq-guardian',
};

const ruleNotFound = (name = 'InvalidSecurityGroupRuleId.NotFound') =>
  awsError(EC2ServiceException, name, "The security group rule ID 'sgr-0000000000000000b' does not exist");

const newWriter = () => createEc2IngressWriter(new EC2Client({ region: 'us-east-1', maxAttempts: 1 }));

describe('createEc2IngressWriter', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  describe('authorizeIngress', () => {
    it.each([
      ['a CIDR source with tags', cidrRequest, authorizeCidrJson, ['sgr-01afa97ef3e1bedfc']],
      ['a security group source', sgRefRequest, authorizeSgRefJson, ['sgr-01f4be99110f638a7']],
    ])(
      'sends exactly the built input for %s and returns the new rule ids',
      async (_, request, output, ruleIds) => {
        // Prepare
        ec2Mock.on(AuthorizeSecurityGroupIngressCommand).resolves(output);

        // Act
        const result = await newWriter().authorizeIngress(request);

        // Assess
        expect(result).toEqual({ ruleIds, alreadyExisted: false });
        expect(sentInputs(ec2Mock, AuthorizeSecurityGroupIngressCommand)).toEqual([
          toAuthorizeIngressInput(request),
        ]);
        expect(ec2Mock).toHaveReceivedCommandWith(AuthorizeSecurityGroupIngressCommand, {
          GroupId: GROUP_ID,
        });
      },
    );

    it('tags the new rule through TagSpecifications of type security-group-rule', async () => {
      // Prepare
      ec2Mock.on(AuthorizeSecurityGroupIngressCommand).resolves(authorizeCidrJson);

      // Act
      await newWriter().authorizeIngress(cidrRequest);

      // Assess
      expect(sentInputs(ec2Mock, AuthorizeSecurityGroupIngressCommand)[0]).toMatchObject({
        TagSpecifications: [
          {
            ResourceType: 'security-group-rule',
            Tags: [{ Key: 'mq-guardian:narrowed-from', Value: 'sgr-0f00000000000000a' }],
          },
        ],
      });
    });

    it('reads Return true without SecurityGroupRules as a rule added whose id is unknown, not as a failure', async () => {
      // Prepare
      ec2Mock.on(AuthorizeSecurityGroupIngressCommand).resolves({ Return: true });

      // Act
      const result = await newWriter().authorizeIngress(cidrRequest);

      // Assess
      expect(result).toEqual({ ruleIds: [], alreadyExisted: false });
    });

    it('reports alreadyExisted when EC2 answers InvalidPermission.Duplicate', async () => {
      // Prepare
      ec2Mock
        .on(AuthorizeSecurityGroupIngressCommand)
        .rejects(
          awsError(
            EC2ServiceException,
            'InvalidPermission.Duplicate',
            'the specified rule "peer: 203.0.113.0/24, TCP, from port: 22, to port: 22, ALLOW" already exists',
          ),
        );

      // Act
      const result = await newWriter().authorizeIngress(cidrRequest);

      // Assess
      expect(result).toEqual({ ruleIds: [], alreadyExisted: true });
      expect(ec2Mock).toHaveReceivedCommandTimes(AuthorizeSecurityGroupIngressCommand, 1);
    });

    it('throws an AwsCallError when EC2 answers Return false', async () => {
      // Prepare
      ec2Mock.on(AuthorizeSecurityGroupIngressCommand).resolves({ Return: false });

      // Act
      const result = newWriter().authorizeIngress(cidrRequest);

      // Assess
      await expect(result).rejects.toMatchObject({
        operation: 'AuthorizeSecurityGroupIngress',
        awsErrorName: 'ReturnFalse',
      });
    });

    it.each(['RulesPerSecurityGroupLimitExceeded', 'InvalidGroup.NotFound', 'RequestLimitExceeded'])(
      'throws an AwsCallError on %s',
      async (name) => {
        // Prepare
        const cause = awsError(EC2ServiceException, name, 'Request failed');
        ec2Mock.on(AuthorizeSecurityGroupIngressCommand).rejects(cause);

        // Act
        const error = await newWriter()
          .authorizeIngress(cidrRequest)
          .catch((e: unknown) => e);

        // Assess
        expect(error).toBeInstanceOf(AwsCallError);
        expect(error).toMatchObject({
          operation: 'AuthorizeSecurityGroupIngress',
          awsErrorName: name,
          cause,
        });
      },
    );
  });

  describe('revokeIngress', () => {
    it('revokes by GroupId and SecurityGroupRuleIds in one call', async () => {
      // Prepare
      ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });

      // Act
      const result = await newWriter().revokeIngress(GROUP_ID, [
        'sgr-0000000000000000a',
        'sgr-0000000000000000b',
      ]);

      // Assess
      expect(result).toEqual({
        revokedRuleIds: ['sgr-0000000000000000a', 'sgr-0000000000000000b'],
        missingRuleIds: [],
      });
      expect(sentInputs(ec2Mock, RevokeSecurityGroupIngressCommand)).toEqual([
        toRevokeIngressInput(GROUP_ID, ['sgr-0000000000000000a', 'sgr-0000000000000000b']),
      ]);
      expect(ec2Mock).toHaveReceivedCommandExactlyOnceWith(RevokeSecurityGroupIngressCommand, {
        GroupId: GROUP_ID,
        SecurityGroupRuleIds: ['sgr-0000000000000000a', 'sgr-0000000000000000b'],
      });
    });

    it.each(['InvalidSecurityGroupRuleId.NotFound', 'InvalidPermission.NotFound'])(
      'on %s revokes the ids one by one, so the existing ones are revoked and the missing one reported',
      async (notFoundName) => {
        // Prepare: sgr-…b no longer exists; EC2 refuses any call that names it.
        ec2Mock
          .on(RevokeSecurityGroupIngressCommand)
          .callsFake((input: RevokeSecurityGroupIngressCommandInput) => {
            if (input.SecurityGroupRuleIds?.includes('sgr-0000000000000000b'))
              throw ruleNotFound(notFoundName);
            return { Return: true };
          });
        const ids = ['sgr-0000000000000000a', 'sgr-0000000000000000b', 'sgr-0000000000000000c'];

        // Act
        const result = await newWriter().revokeIngress(GROUP_ID, ids);

        // Assess
        expect(result).toEqual({
          revokedRuleIds: ['sgr-0000000000000000a', 'sgr-0000000000000000c'],
          missingRuleIds: ['sgr-0000000000000000b'],
        });
        expect(sentInputs(ec2Mock, RevokeSecurityGroupIngressCommand)).toEqual([
          { GroupId: GROUP_ID, SecurityGroupRuleIds: ids },
          { GroupId: GROUP_ID, SecurityGroupRuleIds: ['sgr-0000000000000000a'] },
          { GroupId: GROUP_ID, SecurityGroupRuleIds: ['sgr-0000000000000000b'] },
          { GroupId: GROUP_ID, SecurityGroupRuleIds: ['sgr-0000000000000000c'] },
        ]);
      },
    );

    it('reports a single missing id without calling again', async () => {
      // Prepare
      ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(ruleNotFound());

      // Act
      const result = await newWriter().revokeIngress(GROUP_ID, ['sgr-0000000000000000b']);

      // Assess
      expect(result).toEqual({ revokedRuleIds: [], missingRuleIds: ['sgr-0000000000000000b'] });
      expect(ec2Mock).toHaveReceivedCommandTimes(RevokeSecurityGroupIngressCommand, 1);
    });

    it('stops and throws when a one-by-one revoke is throttled, without reporting the rest as missing', async () => {
      // Prepare
      ec2Mock
        .on(RevokeSecurityGroupIngressCommand)
        .rejectsOnce(ruleNotFound())
        .resolvesOnce({ Return: true })
        .rejectsOnce(awsError(EC2ServiceException, 'RequestLimitExceeded', 'Request limit exceeded.', 503));

      // Act
      const result = newWriter().revokeIngress(GROUP_ID, ['sgr-0000000000000000a', 'sgr-0000000000000000b']);

      // Assess
      await expect(result).rejects.toMatchObject({
        operation: 'RevokeSecurityGroupIngress',
        awsErrorName: 'RequestLimitExceeded',
      });
      expect(ec2Mock).toHaveReceivedCommandTimes(RevokeSecurityGroupIngressCommand, 3);
    });

    it('throws an AwsCallError when EC2 answers Return false', async () => {
      // Prepare
      ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: false });

      // Act
      const result = newWriter().revokeIngress(GROUP_ID, ['sgr-0000000000000000a']);

      // Assess
      const error = await result.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).toMatchObject({ operation: 'RevokeSecurityGroupIngress', awsErrorName: 'ReturnFalse' });
    });

    it('does not call EC2 for no ids and sends a repeated id once', async () => {
      // Prepare
      ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
      const writer = newWriter();

      // Act
      const none = await writer.revokeIngress(GROUP_ID, []);
      const once = await writer.revokeIngress(GROUP_ID, ['sgr-0000000000000000a', 'sgr-0000000000000000a']);

      // Assess
      expect(none).toEqual({ revokedRuleIds: [], missingRuleIds: [] });
      expect(once).toEqual({ revokedRuleIds: ['sgr-0000000000000000a'], missingRuleIds: [] });
      expect(sentInputs(ec2Mock, RevokeSecurityGroupIngressCommand)).toEqual([
        { GroupId: GROUP_ID, SecurityGroupRuleIds: ['sgr-0000000000000000a'] },
      ]);
    });
  });

  it('sends only commands that EC2_WRITE_IAM_ACTIONS grants', async () => {
    // Prepare
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).resolves(authorizeCidrJson);
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    const writer = newWriter();

    // Act
    await writer.authorizeIngress(cidrRequest);
    await writer.revokeIngress(GROUP_ID, ['sgr-01afa97ef3e1bedfc']);

    // Assess
    const actions = sentCommands(ec2Mock).map((name) => `ec2:${name.replace(/Command$/, '')}`);
    expect(actions.every((action) => (EC2_WRITE_IAM_ACTIONS as readonly string[]).includes(action))).toBe(
      true,
    );
    // Tag-on-create is authorised as ec2:CreateTags although no CreateTags command is sent.
    expect(EC2_WRITE_IAM_ACTIONS).toContain('ec2:CreateTags');
    expect(new Set(actions)).toEqual(
      new Set(['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress']),
    );
  });
});
