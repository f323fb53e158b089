import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Alert } from '../alerts/alert.ts';
import type { AlertPublisher } from '../alerts/ports.ts';
import { renderSnsMessage } from '../alerts/sns-message.ts';
import { checkAlertTopicArn } from '../alerts/topic-arn.ts';
import { UnexpectedShapeError } from '../errors.ts';
import { callAws } from './calls.ts';
import { once, sdkClientConfig } from './clients.ts';

/**
 * What `createSnsAlertPublisher` calls; serverless.yml must grant exactly this (on the alert topic
 * only). A topic encrypted with a customer managed key also needs kms:GenerateDataKey and kms:Decrypt
 * on that key.
 */
export const SNS_IAM_ACTIONS = ['sns:Publish'] as const;

export const getSnsClient: () => SNSClient = once(() => new SNSClient(sdkClientConfig()));

/** Publishes each alert as one message on the alert topic (format: shared/alerts/sns-message.ts). */
export const createSnsAlertPublisher = (
  topicArn: string,
  client: SNSClient = getSnsClient(),
): AlertPublisher => {
  checkAlertTopicArn(topicArn);
  return {
    async publish(alert: Alert): Promise<void> {
      const message = renderSnsMessage(alert);
      const output = await callAws('Publish', () =>
        client.send(
          new PublishCommand({
            TopicArn: topicArn,
            Subject: message.Subject,
            Message: message.Message,
            MessageStructure: message.MessageStructure,
            MessageAttributes: {
              severity: { ...message.MessageAttributes.severity },
              checkId: { ...message.MessageAttributes.checkId },
              action: { ...message.MessageAttributes.action },
            },
          }),
        ),
      );
      if (!output.MessageId)
        throw new UnexpectedShapeError(`Publish of alert ${alert.id} returned no MessageId`);
    },
  };
};

/** A publisher to a topic of another region (the organization's central topic), with a client of its region. */
export const createSnsAlertPublisherInTopicRegion = (topicArn: string): AlertPublisher => {
  const region = checkAlertTopicArn(topicArn, 'CENTRAL_ALERT_TOPIC_ARN').split(':')[3] ?? '';
  return createSnsAlertPublisher(topicArn, new SNSClient({ ...sdkClientConfig(), region }));
};
