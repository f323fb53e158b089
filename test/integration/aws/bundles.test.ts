import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The @aws-sdk/client-* packages a bundle built from `entry` contains. */
const sdkClientsIn = async (entry: string): Promise<string[]> => {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const clients = Object.keys(result.metafile.inputs)
    .map((input) => /node_modules\/@aws-sdk\/(client-[a-z0-9-]+)\//.exec(input)?.[1])
    .filter((name): name is string => name !== undefined);
  return [...new Set(clients)].sort();
};

// One client package per adapter file, so a function bundle loads only the clients it calls.
describe('bundles pull in only their own SDK clients', () => {
  it.each([
    ['shared/aws/ec2.ts', ['client-ec2']],
    ['shared/aws/mq.ts', ['client-mq']],
    ['shared/aws/kms.ts', ['client-kms']],
    ['shared/aws/config.ts', ['client-config-service']],
    ['shared/aws/lambda.ts', ['client-lambda']],
    ['shared/aws/sns.ts', ['client-sns']],
    ['shared/aws/dynamodb.ts', ['client-dynamodb']],
    ['shared/aws/securityhub.ts', ['client-securityhub']],
    ['shared/aws/ssm.ts', ['client-ssm']],
    ['shared/aws/sts.ts', ['client-sts']],
    ['shared/aws/organizations.ts', ['client-organizations']],
    ['shared/aws/slack.ts', []],
    ['shared/alerts/sink.ts', []],
    ['shared/alerts/memory.ts', []],
    ['functions/notify-slack.ts', ['client-ssm']],
    ['shared/aws/clients.ts', []],
    ['shared/aws/calls.ts', []],
  ])('%s pulls in only %o', async (entry, expected) => {
    // Act
    const clients = await sdkClientsIn(entry);

    // Assess
    expect(clients).toEqual(expected);
  });
});

// STS and Organizations are for `mq-guardian scan` across accounts only: no function carries them.
describe('function bundles leave out the organization scan clients', () => {
  it.each(['on-broker-event', 'on-ingress-event', 'sweep', 'config-rule', 'notify-slack'])(
    'functions/%s.ts has neither client-sts nor client-organizations',
    async (name) => {
      // Act
      const clients = await sdkClientsIn(`functions/${name}.ts`);

      // Assess
      expect(clients.length).toBeGreaterThan(0);
      expect(clients).not.toContain('client-sts');
      expect(clients).not.toContain('client-organizations');
    },
  );
});
