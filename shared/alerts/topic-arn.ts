import { ConfigurationError } from '../errors.ts';

const TOPIC_ARN = /^arn:aws(?:-[a-z]+)*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** A standard (not FIFO) SNS topic ARN, or a ConfigurationError naming the variable that holds it. */
export const checkAlertTopicArn = (topicArn: string, variable = 'ALERT_TOPIC_ARN'): string => {
  if (!TOPIC_ARN.test(topicArn)) {
    throw new ConfigurationError(`${variable} is not a standard SNS topic ARN: ${JSON.stringify(topicArn)}`);
  }
  return topicArn;
};
