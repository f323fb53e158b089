import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger. Structured JSON, constant messages, data as fields. Pure modules never log.
 * Level from POWERTOOLS_LOG_LEVEL (stack setting `logLevel`), service name from POWERTOOLS_SERVICE_NAME.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'mq-guardian' });
