import {
  ConfigServiceClient,
  ConfigServiceServiceException,
  type ConfigurationItem,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
  StartConfigRulesEvaluationCommand,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_IAM_ACTIONS, createConfigReporter } from '../../../shared/aws/config.ts';
import { AwsCallError, GuardianError, UnexpectedShapeError } from '../../../shared/errors.ts';
import type { ConfigEvaluation } from '../../../shared/ports.ts';
import describeBrokerJson from '../../fixtures/aws-sdk/mq-describe-broker-activemq.json' with {
  type: 'json',
};
import { awsError, sentCommands, sentInputs } from './support.ts';

const configMock = mockClient(ConfigServiceClient);

const BROKER_ID = describeBrokerJson.BrokerId;
const RESULT_TOKEN = 'myResultToken';
const CAPTURED_AT = new Date('2016-02-17T01:36:34.043Z');

const evaluation = (id: string, overrides: Partial<ConfigEvaluation> = {}): ConfigEvaluation => ({
  complianceResourceType: 'AWS::AmazonMQ::Broker',
  complianceResourceId: id,
  complianceType: 'NON_COMPLIANT',
  annotation: `Broker ${id} is publicly accessible.`,
  orderingTimestamp: CAPTURED_AT,
  ...overrides,
});

/** A broker configuration item as GetResourceConfigHistory returns it: `configuration` is a JSON string. */
const brokerItem = (): ConfigurationItem => ({
  version: '1.3',
  accountId: '000011112222',
  configurationItemCaptureTime: CAPTURED_AT,
  configurationItemStatus: 'OK',
  configurationStateId: '1455672994043',
  arn: describeBrokerJson.BrokerArn,
  resourceType: 'AWS::AmazonMQ::Broker',
  resourceId: BROKER_ID,
  resourceName: describeBrokerJson.BrokerName,
  awsRegion: 'us-east-1',
  availabilityZone: 'Multiple Availability Zones',
  tags: { team: 'orders' },
  relationships: [],
  configuration: JSON.stringify({
    BrokerName: describeBrokerJson.BrokerName,
    PubliclyAccessible: false,
    SecurityGroups: describeBrokerJson.SecurityGroups,
    Logs: { Audit: true, General: true },
  }),
  supplementaryConfiguration: {},
});

const newReporter = () =>
  createConfigReporter(new ConfigServiceClient({ region: 'us-east-1', maxAttempts: 1 }));

describe('createConfigReporter', () => {
  beforeEach(() => {
    configMock.reset();
  });

  describe('putEvaluations', () => {
    it('sends the result token and the evaluations in Config shape', async () => {
      // Prepare
      configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
      const evaluations = [
        evaluation(BROKER_ID),
        evaluation('b-deleted', { complianceType: 'NOT_APPLICABLE', annotation: '' }),
      ];

      // Act
      const failed = await newReporter().putEvaluations(RESULT_TOKEN, evaluations);

      // Assess
      expect(failed).toEqual([]);
      expect(sentInputs(configMock, PutEvaluationsCommand)).toEqual([
        {
          ResultToken: RESULT_TOKEN,
          Evaluations: [
            {
              ComplianceResourceType: 'AWS::AmazonMQ::Broker',
              ComplianceResourceId: BROKER_ID,
              ComplianceType: 'NON_COMPLIANT',
              Annotation: `Broker ${BROKER_ID} is publicly accessible.`,
              OrderingTimestamp: CAPTURED_AT,
            },
            {
              ComplianceResourceType: 'AWS::AmazonMQ::Broker',
              ComplianceResourceId: 'b-deleted',
              ComplianceType: 'NOT_APPLICABLE',
              OrderingTimestamp: CAPTURED_AT,
            },
          ],
        },
      ]);
    });

    it('returns the evaluations Config refused', async () => {
      // Prepare
      configMock.on(PutEvaluationsCommand).resolves({
        FailedEvaluations: [
          {
            ComplianceResourceType: 'AWS::AmazonMQ::Broker',
            ComplianceResourceId: 'b-2',
            ComplianceType: 'COMPLIANT',
            Annotation: 'Broker b-2 is not publicly accessible.',
            OrderingTimestamp: CAPTURED_AT,
          },
        ],
      });

      // Act
      const failed = await newReporter().putEvaluations(RESULT_TOKEN, [
        evaluation(BROKER_ID),
        evaluation('b-2', {
          complianceType: 'COMPLIANT',
          annotation: 'Broker b-2 is not publicly accessible.',
        }),
      ]);

      // Assess
      expect(failed).toEqual([
        evaluation('b-2', {
          complianceType: 'COMPLIANT',
          annotation: 'Broker b-2 is not publicly accessible.',
        }),
      ]);
    });

    it('reads an answer without FailedEvaluations (an optional member) as nothing refused', async () => {
      // Prepare
      configMock.on(PutEvaluationsCommand).resolves({});

      // Act
      const failed = await newReporter().putEvaluations(RESULT_TOKEN, [evaluation('b-1')]);

      // Assess
      expect(failed).toEqual([]);
    });

    it('takes a FailedEvaluations that is not a list as an answer it does not understand', async () => {
      // Prepare
      configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: 'none' as never });

      // Act
      const error = await newReporter()
        .putEvaluations(RESULT_TOKEN, [evaluation('b-1')])
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(UnexpectedShapeError);
      expect((error as Error).message).toBe('PutEvaluations returned a FailedEvaluations that is not a list');
    });

    it('sends exactly 100 evaluations in one call', async () => {
      // Prepare
      configMock.on(PutEvaluationsCommand).resolves({});
      const evaluations = Array.from({ length: 100 }, (_, index) => evaluation(`b-${index}`));

      // Act
      await newReporter().putEvaluations(RESULT_TOKEN, evaluations);

      // Assess
      expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    });

    it('refuses 101 evaluations without calling Config', async () => {
      // Prepare
      const evaluations = Array.from({ length: 101 }, (_, index) => evaluation(`b-${index}`));

      // Act
      const result = newReporter().putEvaluations(RESULT_TOKEN, evaluations);

      // Assess
      await expect(result).rejects.toBeInstanceOf(GuardianError);
      await expect(result).rejects.not.toBeInstanceOf(AwsCallError);
      expect(configMock).not.toHaveReceivedAnyCommand();
    });

    it('refuses an annotation longer than 256 characters without calling Config', async () => {
      // Act
      const result = newReporter().putEvaluations(RESULT_TOKEN, [
        evaluation(BROKER_ID, { annotation: 'x'.repeat(257) }),
      ]);

      // Assess
      await expect(result).rejects.toMatchObject({ code: 'AWS_CONFIG_LIMIT' });
      expect(configMock).not.toHaveReceivedAnyCommand();
    });

    it('calls nothing for no evaluations', async () => {
      // Act
      const failed = await newReporter().putEvaluations(RESULT_TOKEN, []);

      // Assess
      expect(failed).toEqual([]);
      expect(configMock).not.toHaveReceivedAnyCommand();
    });

    it('throws an AwsCallError on an expired result token', async () => {
      // Prepare
      configMock
        .on(PutEvaluationsCommand)
        .rejects(
          awsError(
            ConfigServiceServiceException,
            'InvalidResultTokenException',
            'The result token is invalid',
          ),
        );

      // Act
      const result = newReporter().putEvaluations(RESULT_TOKEN, [evaluation(BROKER_ID)]);

      // Assess
      await expect(result).rejects.toMatchObject({
        operation: 'PutEvaluations',
        awsErrorName: 'InvalidResultTokenException',
      });
    });
  });

  describe('startRulesEvaluation', () => {
    const rules = [
      'mq-guardian-prod-mq-broker-not-publicly-accessible',
      'mq-guardian-prod-mq-broker-highly-available',
    ];

    it('starts the named rules', async () => {
      // Prepare
      configMock.on(StartConfigRulesEvaluationCommand).resolves({});

      // Act
      const result = await newReporter().startRulesEvaluation(rules);

      // Assess
      expect(result).toBe('started');
      expect(sentInputs(configMock, StartConfigRulesEvaluationCommand)).toEqual([{ ConfigRuleNames: rules }]);
    });

    it('answers limited when Config answers LimitExceededException', async () => {
      // Prepare
      configMock
        .on(StartConfigRulesEvaluationCommand)
        .rejects(
          awsError(
            ConfigServiceServiceException,
            'LimitExceededException',
            'An evaluation is already in progress',
          ),
        );

      // Act
      const result = await newReporter().startRulesEvaluation(rules);

      // Assess
      expect(result).toBe('limited');
      expect(configMock).toHaveReceivedCommandTimes(StartConfigRulesEvaluationCommand, 1);
    });

    it.each(['NoSuchConfigRuleException', 'ThrottlingException'])(
      'throws an AwsCallError on %s',
      async (name) => {
        // Prepare
        configMock
          .on(StartConfigRulesEvaluationCommand)
          .rejects(awsError(ConfigServiceServiceException, name, 'No'));

        // Act
        const error = await newReporter()
          .startRulesEvaluation(rules)
          .catch((e: unknown) => e);

        // Assess
        expect(error).toBeInstanceOf(AwsCallError);
        expect(error).toMatchObject({ operation: 'StartConfigRulesEvaluation', awsErrorName: name });
      },
    );

    it('refuses more than 25 rules without calling Config', async () => {
      // Act
      const result = newReporter().startRulesEvaluation(
        Array.from({ length: 26 }, (_, index) => `rule-${index}`),
      );

      // Assess
      await expect(result).rejects.toMatchObject({ code: 'AWS_CONFIG_LIMIT' });
      expect(configMock).not.toHaveReceivedAnyCommand();
    });
  });

  describe('getLatestConfigurationItem', () => {
    it('asks for the newest item only and returns it with the configuration parsed', async () => {
      // Prepare
      configMock.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [brokerItem()] });

      // Act
      const item = await newReporter().getLatestConfigurationItem('AWS::AmazonMQ::Broker', BROKER_ID);

      // Assess
      expect(sentInputs(configMock, GetResourceConfigHistoryCommand)).toEqual([
        {
          resourceType: 'AWS::AmazonMQ::Broker',
          resourceId: BROKER_ID,
          chronologicalOrder: 'Reverse',
          limit: 1,
        },
      ]);
      expect(item).toMatchObject({
        resourceType: 'AWS::AmazonMQ::Broker',
        resourceId: BROKER_ID,
        configurationItemStatus: 'OK',
        configurationItemCaptureTime: '2016-02-17T01:36:34.043Z',
        configuration: {
          PubliclyAccessible: false,
          SecurityGroups: ['sg-1234567890abcdef0'],
          Logs: { Audit: true, General: true },
        },
      });
    });

    it('returns null when Config holds no item', async () => {
      // Prepare
      configMock.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [] });

      // Act
      const item = await newReporter().getLatestConfigurationItem('AWS::AmazonMQ::Broker', BROKER_ID);

      // Assess
      expect(item).toBeNull();
    });

    it('returns null when Config never discovered the resource', async () => {
      // Prepare
      configMock
        .on(GetResourceConfigHistoryCommand)
        .rejects(
          awsError(
            ConfigServiceServiceException,
            'ResourceNotDiscoveredException',
            'Resource is not discovered',
          ),
        );

      // Act
      const item = await newReporter().getLatestConfigurationItem('AWS::AmazonMQ::Broker', 'b-never');

      // Assess
      expect(item).toBeNull();
    });

    it('reads an empty configuration (deleted resource) as null', async () => {
      // Prepare
      const deleted = {
        ...brokerItem(),
        configurationItemStatus: 'ResourceDeleted' as const,
        configuration: '',
      };
      configMock.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [deleted] });

      // Act
      const item = await newReporter().getLatestConfigurationItem('AWS::AmazonMQ::Broker', BROKER_ID);

      // Assess
      expect(item).toMatchObject({ configurationItemStatus: 'ResourceDeleted', configuration: null });
    });

    it('throws UnexpectedShapeError when the configuration is not JSON', async () => {
      // Prepare
      configMock
        .on(GetResourceConfigHistoryCommand)
        .resolves({ configurationItems: [{ ...brokerItem(), configuration: '{"BrokerName":' }] });

      // Act
      const result = newReporter().getLatestConfigurationItem('AWS::AmazonMQ::Broker', BROKER_ID);

      // Assess
      await expect(result).rejects.toBeInstanceOf(UnexpectedShapeError);
    });
  });

  it('sends only commands that CONFIG_IAM_ACTIONS grants, and uses all of them', async () => {
    // Prepare
    configMock.on(PutEvaluationsCommand).resolves({});
    configMock.on(StartConfigRulesEvaluationCommand).resolves({});
    configMock.on(GetResourceConfigHistoryCommand).resolves({ configurationItems: [] });
    const reporter = newReporter();

    // Act
    await reporter.putEvaluations(RESULT_TOKEN, [evaluation(BROKER_ID)]);
    await reporter.startRulesEvaluation(['rule']);
    await reporter.getLatestConfigurationItem('AWS::AmazonMQ::Broker', BROKER_ID);

    // Assess
    const actions = sentCommands(configMock).map((name) => `config:${name.replace(/Command$/, '')}`);
    expect(actions.sort()).toEqual([...CONFIG_IAM_ACTIONS].sort());
  });
});
