/**
 * The AWS adapters as chunks loaded on first use (lazy-adapter.ts). Each `import()` names its adapter
 * module literally, so that esbuild makes it, with its SDK client, a chunk of its own.
 */
import type { AlertPublisher, AlertStateStore, FindingPublisher } from '../alerts/ports.ts';
import type {
  BrokerReader,
  ComplianceReporter,
  IngressWriter,
  KeyReader,
  NetworkReader,
  RemediationRequester,
} from '../ports.ts';
import { lazyAdapter } from './lazy-adapter.ts';

export const lazyMqBrokerReader = (): BrokerReader =>
  lazyAdapter(() => import('../aws/mq.ts').then((m) => m.createMqBrokerReader()), {
    describeBroker: true,
    listBrokers: true,
    describeConfigurationRevision: true,
    describeConfiguration: true,
    describeBrokerEngineTypes: true,
  });

export const lazyEc2NetworkReader = (): NetworkReader =>
  lazyAdapter(() => import('../aws/ec2.ts').then((m) => m.createEc2NetworkReader()), {
    describeIngressRules: true,
    describeRulesById: true,
    describeSecurityGroups: true,
    findSecurityGroupIdsByName: true,
    describeNetworkInterfaces: true,
    readPrefixList: true,
    prefixListAssociations: true,
  });

export const lazyEc2IngressWriter = (): IngressWriter =>
  lazyAdapter(() => import('../aws/ec2.ts').then((m) => m.createEc2IngressWriter()), {
    authorizeIngress: true,
    revokeIngress: true,
  });

export const lazyKmsKeyReader = (): KeyReader =>
  lazyAdapter(() => import('../aws/kms.ts').then((m) => m.createKmsKeyReader()), { describeKey: true });

export const lazyConfigReporter = (): ComplianceReporter =>
  lazyAdapter(() => import('../aws/config.ts').then((m) => m.createConfigReporter()), {
    putEvaluations: true,
    startRulesEvaluation: true,
    getLatestConfigurationItem: true,
  });

export const lazyLambdaRemediationRequester = (functionName: string): RemediationRequester =>
  lazyAdapter(
    () => import('../aws/lambda.ts').then((m) => m.createLambdaRemediationRequester(functionName)),
    { requestRemediation: true },
  );

/** The topic ARN is checked by the caller at cold start (alerts/topic-arn.ts), not on first publish. */
export const lazySnsAlertPublisher = (topicArn: string): AlertPublisher =>
  lazyAdapter(() => import('../aws/sns.ts').then((m) => m.createSnsAlertPublisher(topicArn)), {
    publish: true,
  });

/** A topic in another region (the organization's central topic): the client is built in the topic's region. */
export const lazySnsAlertPublisherInTopicRegion = (topicArn: string): AlertPublisher =>
  lazyAdapter(() => import('../aws/sns.ts').then((m) => m.createSnsAlertPublisherInTopicRegion(topicArn)), {
    publish: true,
  });

export const lazyDynamoDbAlertStateStore = (tableName: string): AlertStateStore =>
  lazyAdapter(() => import('../aws/dynamodb.ts').then((m) => m.createDynamoDbAlertStateStore(tableName)), {
    load: true,
    claim: true,
    commit: true,
    release: true,
    update: true,
    recordSecurityHub: true,
    stash: true,
    settleOutbox: true,
  });

export const lazySecurityHubPublisher = (): FindingPublisher =>
  lazyAdapter(() => import('../aws/securityhub.ts').then((m) => m.createSecurityHubFindingPublisher()), {
    importFindings: true,
  });
