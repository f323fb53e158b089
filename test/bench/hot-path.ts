/**
 * Section 5: CPU time of the pure hot paths (report only: no budget is set for them).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildChild } from './bundle.ts';
import type { HotPathChildConfig, Timing } from './children/hot-path-child.ts';
import { DEMO_ACCOUNT } from './exposure.ts';
import { activeMqConfiguration, loadDemoAccount } from './fixtures.ts';
import { runChild } from './harness.ts';
import type { ServerlessConfig } from './serverless-config.ts';

export const CONFIGURATION_BYTES = 30 * 1024;

export interface HotPathSection {
  readonly timings: readonly Timing[];
}

export const measureHotPath = async (config: ServerlessConfig, workDir: string): Promise<HotPathSection> => {
  const account = loadDemoAccount(DEMO_ACCOUNT);
  // The demo's first ActiveMQ broker with a configuration, a customer key and security groups.
  const broker = account.brokers.find(
    (b) =>
      b.EngineType === 'ActiveMQ' &&
      Array.isArray(b.SecurityGroups) &&
      b.SecurityGroups.length > 0 &&
      typeof (b.EncryptionOptions as { KmsKeyId?: unknown } | undefined)?.KmsKeyId === 'string',
  );
  if (!broker) throw new Error(`${DEMO_ACCOUNT} has no ActiveMQ broker with groups and a customer key`);
  const { xml, entries } = activeMqConfiguration(CONFIGURATION_BYTES);
  const childConfig: HotPathChildConfig = {
    account,
    brokerId: String(broker.BrokerId),
    configurationBase64: Buffer.from(xml, 'utf8').toString('base64'),
    configurationBytes: Buffer.byteLength(xml),
    expectedEntries: entries,
  };
  const configFile = join(workDir, 'hot-path.json');
  writeFileSync(configFile, JSON.stringify(childConfig));
  const script = join(workDir, 'hot-path-child.mjs');
  await buildChild(config, 'test/bench/children/hot-path-child.ts', script);
  const { result } = await runChild<{ timings: Timing[] }>(
    script,
    join(workDir, 'hot-path.result.json'),
    [configFile],
    {
      AWS_REGION: 'us-east-1',
    },
  );
  return { timings: result.timings };
};
