/**
 * The deployed bundles carry AWS SDK clients whose schema modules esbuild has pruned to the operations
 * the adapters call (shared/packaging/esbuild-plugins.cjs). These tests hold the pruned clients to the
 * wire: the EC2 adapter is bundled exactly as serverless.yml bundles the functions, then it and the
 * stock (unbundled) adapter make the same calls against one loopback HTTP endpoint that answers with
 * EC2 Query-protocol XML. The pruned client must send the same bytes and read the same answers.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as stockAdapter from '../../../shared/aws/ec2.ts';
import { buildChild } from '../../bench/bundle.ts';
import { ROOT } from '../../bench/harness.ts';
import { loadServerlessConfig } from '../../bench/serverless-config.ts';

type Ec2Adapter = typeof stockAdapter & { EC2Client: typeof EC2Client };

const XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

const RULES_XML = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeSecurityGroupRulesResponse xmlns="${XMLNS}">
  <requestId>5b3ed2b6-0a2c-4d0f-9c7e-1f0a6f0e0001</requestId>
  <securityGroupRuleSet>
    <item>
      <securityGroupRuleId>sgr-0a1b2c3d4e5f60001</securityGroupRuleId>
      <groupId>sg-1234567890abcdef0</groupId>
      <groupOwnerId>123456789012</groupOwnerId>
      <isEgress>false</isEgress>
      <ipProtocol>tcp</ipProtocol>
      <fromPort>5671</fromPort>
      <toPort>5671</toPort>
      <cidrIpv4>10.0.0.0/16</cidrIpv4>
      <description>AMQPS from the application subnets</description>
      <tagSet><item><key>team</key><value>orders</value></item></tagSet>
      <securityGroupRuleArn>arn:aws:ec2:us-east-1:123456789012:security-group-rule/sgr-0a1b2c3d4e5f60001</securityGroupRuleArn>
    </item>
    <item>
      <securityGroupRuleId>sgr-0a1b2c3d4e5f60002</securityGroupRuleId>
      <groupId>sg-1234567890abcdef0</groupId>
      <groupOwnerId>123456789012</groupOwnerId>
      <isEgress>false</isEgress>
      <ipProtocol>-1</ipProtocol>
      <fromPort>-1</fromPort>
      <toPort>-1</toPort>
      <referencedGroupInfo><groupId>sg-1234567890abcdef0</groupId><userId>123456789012</userId></referencedGroupInfo>
      <tagSet/>
    </item>
    <item>
      <securityGroupRuleId>sgr-0a1b2c3d4e5f60003</securityGroupRuleId>
      <groupId>sg-1234567890abcdef0</groupId>
      <groupOwnerId>123456789012</groupOwnerId>
      <isEgress>true</isEgress>
      <ipProtocol>-1</ipProtocol>
      <fromPort>-1</fromPort>
      <toPort>-1</toPort>
      <cidrIpv6>::/0</cidrIpv6>
      <tagSet/>
    </item>
  </securityGroupRuleSet>
</DescribeSecurityGroupRulesResponse>`;

const GROUPS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeSecurityGroupsResponse xmlns="${XMLNS}">
  <requestId>5b3ed2b6-0a2c-4d0f-9c7e-1f0a6f0e0002</requestId>
  <securityGroupInfo>
    <item>
      <ownerId>123456789012</ownerId>
      <groupId>sg-1234567890abcdef0</groupId>
      <groupName>orders-broker</groupName>
      <groupDescription>Amazon MQ orders broker</groupDescription>
      <vpcId>vpc-0a60eb65b4EXAMPLE</vpcId>
      <ipPermissions>
        <item>
          <ipProtocol>tcp</ipProtocol>
          <fromPort>5671</fromPort>
          <toPort>5671</toPort>
          <groups/>
          <ipRanges><item><cidrIp>10.0.0.0/16</cidrIp><description>AMQPS from the application subnets</description></item></ipRanges>
          <ipv6Ranges/>
          <prefixListIds/>
        </item>
      </ipPermissions>
      <ipPermissionsEgress/>
      <tagSet><item><key>mq-guardian:protocols</key><value>amqp</value></item></tagSet>
      <securityGroupArn>arn:aws:ec2:us-east-1:123456789012:security-group/sg-1234567890abcdef0</securityGroupArn>
    </item>
  </securityGroupInfo>
</DescribeSecurityGroupsResponse>`;

const INTERFACES_XML = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeNetworkInterfacesResponse xmlns="${XMLNS}">
  <requestId>5b3ed2b6-0a2c-4d0f-9c7e-1f0a6f0e0003</requestId>
  <networkInterfaceSet>
    <item>
      <networkInterfaceId>eni-0b8e1b3b2c0d1a2b3</networkInterfaceId>
      <subnetId>subnet-0123456789abcdef0</subnetId>
      <vpcId>vpc-0a60eb65b4EXAMPLE</vpcId>
      <availabilityZone>us-east-1a</availabilityZone>
      <description>Amazon MQ network interface for broker b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4</description>
      <ownerId>123456789012</ownerId>
      <requesterId>AROAEXAMPLEMQSERVICE</requesterId>
      <requesterManaged>true</requesterManaged>
      <status>in-use</status>
      <privateIpAddress>172.31.90.204</privateIpAddress>
      <groupSet><item><groupId>sg-1234567890abcdef0</groupId><groupName>orders-broker</groupName></item></groupSet>
      <interfaceType>interface</interfaceType>
      <tagSet/>
    </item>
    <item>
      <networkInterfaceId>eni-0c9f2c4c3d1e2b3c4</networkInterfaceId>
      <subnetId>subnet-0123456789abcdef0</subnetId>
      <vpcId>vpc-0a60eb65b4EXAMPLE</vpcId>
      <availabilityZone>us-east-1a</availabilityZone>
      <description/>
      <ownerId>123456789012</ownerId>
      <requesterManaged>false</requesterManaged>
      <status>in-use</status>
      <privateIpAddress>172.31.90.17</privateIpAddress>
      <attachment>
        <attachmentId>eni-attach-0e1c2f3a4b5c6d7e8</attachmentId>
        <instanceId>i-0123456789abcdef0</instanceId>
        <instanceOwnerId>123456789012</instanceOwnerId>
        <deviceIndex>0</deviceIndex>
        <status>attached</status>
        <attachTime>2026-11-02T09:14:05.000Z</attachTime>
        <deleteOnTermination>true</deleteOnTermination>
      </attachment>
      <groupSet><item><groupId>sg-1234567890abcdef0</groupId><groupName>orders-broker</groupName></item></groupSet>
      <interfaceType>interface</interfaceType>
      <tagSet/>
    </item>
  </networkInterfaceSet>
</DescribeNetworkInterfacesResponse>`;

const AUTHORIZE_XML = `<?xml version="1.0" encoding="UTF-8"?>
<AuthorizeSecurityGroupIngressResponse xmlns="${XMLNS}">
  <requestId>5b3ed2b6-0a2c-4d0f-9c7e-1f0a6f0e0004</requestId>
  <return>true</return>
  <securityGroupRuleSet>
    <item>
      <securityGroupRuleId>sgr-0a1b2c3d4e5f60009</securityGroupRuleId>
      <groupId>sg-1234567890abcdef0</groupId>
      <groupOwnerId>123456789012</groupOwnerId>
      <isEgress>false</isEgress>
      <ipProtocol>tcp</ipProtocol>
      <fromPort>5671</fromPort>
      <toPort>5671</toPort>
      <cidrIpv4>10.1.0.0/16</cidrIpv4>
    </item>
  </securityGroupRuleSet>
</AuthorizeSecurityGroupIngressResponse>`;

const REVOKE_XML = `<?xml version="1.0" encoding="UTF-8"?>
<RevokeSecurityGroupIngressResponse xmlns="${XMLNS}">
  <requestId>5b3ed2b6-0a2c-4d0f-9c7e-1f0a6f0e0005</requestId>
  <return>true</return>
</RevokeSecurityGroupIngressResponse>`;

const errorXml = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>5b3ed2b6-0a2c-4d0f-9c7e-1f0a6f0e0006</RequestID></Response>`;

/** One answer per Action; RevokeSecurityGroupIngress of an unknown rule id fails as EC2 does. */
const answer = (form: URLSearchParams): { status: number; body: string } => {
  switch (form.get('Action')) {
    case 'DescribeSecurityGroupRules':
      return { status: 200, body: RULES_XML };
    case 'DescribeSecurityGroups':
      return { status: 200, body: GROUPS_XML };
    case 'DescribeNetworkInterfaces':
      return { status: 200, body: INTERFACES_XML };
    case 'AuthorizeSecurityGroupIngress':
      return form.get('IpPermissions.1.IpRanges.1.CidrIp') === '10.2.0.0/16'
        ? {
            status: 400,
            body: errorXml('InvalidPermission.Duplicate', 'the specified rule already exists'),
          }
        : { status: 200, body: AUTHORIZE_XML };
    case 'RevokeSecurityGroupIngress':
      return [...form.values()].includes('sgr-0000000000000dead')
        ? {
            status: 400,
            body: errorXml('InvalidSecurityGroupRuleId.NotFound', 'rule does not exist'),
          }
        : { status: 200, body: REVOKE_XML };
    default:
      return { status: 400, body: errorXml('InvalidAction', 'not answered here') };
  }
};

let server: Server;
let endpoint: string;
let workDir: string;
let pruned: Ec2Adapter;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push(`${request.method} ${request.url} ${body}`);
      const { status, body: xml } = answer(new URLSearchParams(body));
      response.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8' });
      response.end(xml);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  workDir = mkdtempSync(join(tmpdir(), 'mq-guardian-pruned-'));
  const outfile = join(workDir, 'ec2-adapter.mjs');
  await buildChild(loadServerlessConfig(ROOT), 'bench:entry', outfile, {
    entry: `export * from '${join(ROOT, 'shared/aws/ec2.ts')}';\nexport { EC2Client } from '@aws-sdk/client-ec2';\n`,
  });
  pruned = (await import(pathToFileURL(outfile).href)) as Ec2Adapter;
}, 60_000);

afterAll(() => {
  server?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const clientOptions = () => ({
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  maxAttempts: 1,
});

/** Runs `work` with the stock adapter, then with the pruned one; each side's requests and result. */
const bothWays = async <T>(work: (adapter: Ec2Adapter, client: EC2Client) => Promise<T>) => {
  const run = async (adapter: Ec2Adapter) => {
    requests.length = 0;
    const client = new adapter.EC2Client(clientOptions());
    const result = await work(adapter, client).then(
      (value) => ({ value }),
      (error: unknown) => ({ error: error instanceof Error ? `${error.name}: ${error.message}` : error }),
    );
    return { result, requests: [...requests] };
  };
  const stock = await run({ ...stockAdapter, EC2Client });
  const bundled = await run(pruned);
  return { stock, bundled };
};

describe('the EC2 client as bundled for deployment', () => {
  it('holds the schemas of the operations the adapter calls and not those of the rest of EC2', async () => {
    // Arrange
    const { readFileSync, readdirSync } = await import('node:fs');
    const file = readdirSync(workDir).find((name) => name.endsWith('.mjs')) as string;

    // Act
    const source = readFileSync(join(workDir, file), 'utf8');

    // Assess
    expect(source).toContain('DescribeSecurityGroupRulesRequest');
    expect(source).not.toContain('RunInstancesRequest');
    expect(source).not.toContain('CreateVpcEndpointServiceConfiguration');
    expect(source.length).toBeLessThan(400 * 1024);
  });

  it('sends the same DescribeSecurityGroupRules request and reads the same rules as the stock client', async () => {
    // Act
    const { stock, bundled } = await bothWays((adapter, client) =>
      adapter.createEc2NetworkReader(client).describeIngressRules(['sg-1234567890abcdef0']),
    );

    // Assess
    expect(bundled).toEqual(stock);
    expect(stock.requests[0]).toContain('Action=DescribeSecurityGroupRules');
    expect(stock.requests[0]).toContain('Filter.1.Name=group-id');
    expect(stock.result).toMatchObject({
      value: [
        { ruleId: 'sgr-0a1b2c3d4e5f60001', fromPort: 5671, toPort: 5671 },
        { ruleId: 'sgr-0a1b2c3d4e5f60002' },
      ],
    });
  });

  it('reads the same security groups as the stock client', async () => {
    // Act
    const { stock, bundled } = await bothWays((adapter, client) =>
      adapter.createEc2NetworkReader(client).describeSecurityGroups(['sg-1234567890abcdef0']),
    );

    // Assess
    expect(bundled).toEqual(stock);
    expect(stock.result).toMatchObject({ value: [{ groupId: 'sg-1234567890abcdef0' }] });
  });

  it('reads the same network interfaces, broker and instance alike, as the stock client', async () => {
    // Act
    const { stock, bundled } = await bothWays((adapter, client) =>
      adapter.createEc2NetworkReader(client).describeNetworkInterfaces(['sg-1234567890abcdef0']),
    );

    // Assess
    expect(bundled).toEqual(stock);
    expect(stock.result).toMatchObject({
      value: [
        {
          networkInterfaceId: 'eni-0b8e1b3b2c0d1a2b3',
          brokerId: 'b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4',
          requesterManaged: true,
        },
        { networkInterfaceId: 'eni-0c9f2c4c3d1e2b3c4', instanceId: 'i-0123456789abcdef0' },
      ],
    });
  });

  it('serializes an authorization with tags and reads the new rule id as the stock client does', async () => {
    // Act
    const { stock, bundled } = await bothWays((adapter, client) =>
      adapter.createEc2IngressWriter(client).authorizeIngress({
        groupId: 'sg-1234567890abcdef0',
        protocol: 'tcp',
        fromPort: 5671,
        toPort: 5671,
        source: { kind: 'cidrIpv4', cidr: '10.1.0.0/16' },
        description: 'restored by mq-guardian',
        tags: { 'mq-guardian:restored': 'true' },
      }),
    );

    // Assess
    expect(bundled).toEqual(stock);
    expect(stock.requests[0]).toContain('TagSpecification.1.ResourceType=security-group-rule');
    expect(stock.result).toEqual({ value: { ruleIds: ['sgr-0a1b2c3d4e5f60009'], alreadyExisted: false } });
  });

  it('recognises a duplicate permission error as the stock client does', async () => {
    // Act
    const { stock, bundled } = await bothWays((adapter, client) =>
      adapter.createEc2IngressWriter(client).authorizeIngress({
        groupId: 'sg-1234567890abcdef0',
        protocol: 'tcp',
        fromPort: 5671,
        toPort: 5671,
        source: { kind: 'cidrIpv4', cidr: '10.2.0.0/16' },
        description: 'restored by mq-guardian',
      }),
    );

    // Assess
    expect(bundled).toEqual(stock);
    expect(stock.result).toEqual({ value: { ruleIds: [], alreadyExisted: true } });
  });

  it('revokes by rule id, and tells a missing rule apart, as the stock client does', async () => {
    // Act
    const { stock, bundled } = await bothWays((adapter, client) =>
      adapter
        .createEc2IngressWriter(client)
        .revokeIngress('sg-1234567890abcdef0', ['sgr-0a1b2c3d4e5f60001', 'sgr-0000000000000dead']),
    );

    // Assess
    expect(bundled).toEqual(stock);
    expect(stock.result).toEqual({
      value: { revokedRuleIds: ['sgr-0a1b2c3d4e5f60001'], missingRuleIds: ['sgr-0000000000000dead'] },
    });
  });
});
