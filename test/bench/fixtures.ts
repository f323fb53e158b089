/**
 * Generated inputs of the bench, derived from the repository's own fixtures (the demo recorded
 * account, the console's default ActiveMQ configuration) and deterministic: the same input every run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRecordedAccountFile } from '../../shared/recorded/account-file.ts';
import { ROOT } from './harness.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Item = { [key: string]: Json };

export interface AccountFileJson {
  account: string;
  region: string;
  brokers: Item[];
  configurations: Item[];
  securityGroups: Item[];
  securityGroupRules: Item[];
  networkInterfaces: Item[];
  kmsKeys: Item[];
  denied?: { kms: string[] };
}

const clone = <T>(value: T): T => structuredClone(value);
const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/**
 * The console's default configuration (test/fixtures/activemq) with an uncommented authorization
 * map grown entry by entry until the document is at least `targetBytes` long. Returns the XML and
 * the number of map entries the parser must find.
 */
export const activeMqConfiguration = (targetBytes: number): { xml: string; entries: number } => {
  const base = readFileSync(join(ROOT, 'test/fixtures/activemq/amazonmq-default-config.xml'), 'utf8');
  const at = base.indexOf('<plugins>');
  if (at < 0) throw new Error('amazonmq-default-config.xml has no <plugins>');
  const head = base.slice(0, at + '<plugins>'.length);
  const tail = base.slice(at + '<plugins>'.length);
  const fixed = [
    '<authorizationEntry admin="admin,activemq-webconsole" queue="&gt;" read="admin,activemq-webconsole" write="admin,activemq-webconsole"/>',
    '<authorizationEntry admin="admin,activemq-webconsole" topic="&gt;" read="admin,activemq-webconsole" write="admin,activemq-webconsole"/>',
    '<authorizationEntry admin="admin,app" read="admin,app" topic="ActiveMQ.Advisory.&gt;" write="admin,app"/>',
  ];
  const temp =
    '<tempDestinationAuthorizationEntry><tempDestinationAuthorizationEntry admin="tempDestinationAdmins" read="tempDestinationAdmins" write="tempDestinationAdmins"/></tempDestinationAuthorizationEntry>';
  const build = (entries: readonly string[]) =>
    `${head}\n    <authorizationPlugin>\n      <map>\n        <authorizationMap>\n          <authorizationEntries>\n${entries
      .map((e) => `            ${e}`)
      .join(
        '\n',
      )}\n          </authorizationEntries>\n          ${temp}\n        </authorizationMap>\n      </map>\n    </authorizationPlugin>${tail}`;
  const entries = [...fixed];
  while (Buffer.byteLength(build(entries)) < targetBytes) {
    const n = entries.length;
    entries.push(
      n % 2 === 0
        ? `<authorizationEntry admin="admin,team${n % 17}" queue="orders.team${n % 17}.q${n}.&gt;" read="team${n % 17},readers" write="team${n % 17}"/>`
        : `<authorizationEntry admin="admin,team${n % 17}" read="team${n % 17},readers" topic="events.team${n % 17}.t${n}.&gt;" write="team${n % 17}"/>`,
    );
  }
  // The temp-destination entry is a map entry too.
  return { xml: build(entries), entries: entries.length + 1 };
};

export const loadDemoAccount = (path: string): AccountFileJson => {
  const json = JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as AccountFileJson;
  parseRecordedAccountFile(json, path);
  return json;
};

export interface SweepAccountShape {
  readonly brokers: number;
  readonly groupsPerBroker: number;
  readonly configurations: number;
  readonly revisionsPerConfiguration: number;
  readonly keys: number;
}

/** 200 brokers is the Amazon MQ regional default quota of brokers per account. */
export const SWEEP_ACCOUNT: SweepAccountShape = {
  brokers: 200,
  groupsPerBroker: 5,
  configurations: 25,
  revisionsPerConfiguration: 2,
  keys: 10,
};

/**
 * A recorded account at scale, built from the demo account's shapes: `brokers` brokers (one in seven
 * RabbitMQ), each in `groupsPerBroker` groups — three of its own, one shared by a team of ten brokers
 * (and the team's application instances), one shared by a VPC of fifty — ActiveMQ brokers sharing
 * `configurations` configurations, customer keys shared the same way. Interfaces as in the demo
 * account: ActiveMQ ones name their broker, private RabbitMQ ones are VPC endpoint interfaces that do
 * not (so an event on a group shared with a RabbitMQ broker takes the listing fallback). One broker in ten has an
 * all-TCP rule open to the world (it fails the ingress checks and is handed to remediation).
 */
export const sweepAccount = (
  demo: AccountFileJson,
  shape: SweepAccountShape = SWEEP_ACCOUNT,
): AccountFileJson => {
  const activeTemplate = demo.brokers.find((b) => b.EngineType === 'ActiveMQ' && b.BrokerState === 'RUNNING');
  const rabbitTemplate = demo.brokers.find((b) => b.EngineType === 'RabbitMQ');
  const keyTemplate = demo.kmsKeys.find((k) => k.KeyState === 'Enabled');
  const eniTemplate = demo.networkInterfaces.find((e) => String(e.Description).startsWith('Amazon MQ'));
  const ruleTemplate = demo.securityGroupRules.find(
    (r) => r.IsEgress === false && typeof r.CidrIpv4 === 'string',
  );
  const revisionData = demo.configurations
    .filter((c) => c.EngineType === 'ACTIVEMQ' || c.EngineType === 'ActiveMQ')
    .flatMap((c) => (c.Revisions as Item[]).map((r) => String(r.Data)));
  if (
    !activeTemplate ||
    !rabbitTemplate ||
    !keyTemplate ||
    !eniTemplate ||
    !ruleTemplate ||
    revisionData.length === 0
  ) {
    throw new Error('the demo account lacks a template the sweep account is built from');
  }
  const account = demo.account;
  const region = demo.region;
  const vpc = 'vpc-0b0000000000000001';
  const brokers: Item[] = [];
  const configurations: Item[] = [];
  const securityGroups: Item[] = [];
  const securityGroupRules: Item[] = [];
  const networkInterfaces: Item[] = [];
  const kmsKeys: Item[] = [];
  let ruleNumber = 0;
  let eniNumber = 0;

  const group = (id: string, name: string) =>
    securityGroups.push({
      GroupId: id,
      GroupName: name,
      Description: name,
      OwnerId: account,
      VpcId: vpc,
      Tags: [],
    });
  const ingress = (
    groupId: string,
    protocol: string,
    from: number,
    to: number,
    cidr: string,
    description: string,
  ) => {
    const { SecurityGroupRuleId: _id, GroupId: _group, ...base } = clone(ruleTemplate);
    securityGroupRules.push({
      ...base,
      SecurityGroupRuleId: `sgr-0b${hex(++ruleNumber, 15)}`,
      GroupId: groupId,
      IsEgress: false,
      IpProtocol: protocol,
      FromPort: from,
      ToPort: to,
      CidrIpv4: cidr,
      Description: description,
      Tags: [],
    });
  };
  const egress = (groupId: string) =>
    securityGroupRules.push({
      SecurityGroupRuleId: `sgr-0b${hex(++ruleNumber, 15)}`,
      GroupId: groupId,
      GroupOwnerId: account,
      IsEgress: true,
      IpProtocol: '-1',
      FromPort: -1,
      ToPort: -1,
      CidrIpv4: '0.0.0.0/0',
      Tags: [],
    });
  const eni = (groupIds: readonly string[], description: string, extra: Item = {}) => {
    const { NetworkInterfaceId: _id, Groups: _groups, Description: _d, ...base } = clone(eniTemplate);
    networkInterfaces.push({
      ...base,
      NetworkInterfaceId: `eni-0b${hex(++eniNumber, 15)}`,
      Description: description,
      Groups: groupIds.map((id) => ({ GroupId: id, GroupName: id })),
      VpcId: vpc,
      ...extra,
    });
  };

  for (let k = 0; k < shape.keys; k += 1) {
    const keyId = `0b000000-0000-4000-8000-${hex(k + 1, 12)}`;
    kmsKeys.push({
      ...clone(keyTemplate),
      KeyId: keyId,
      Arn: `arn:aws:kms:${region}:${account}:key/${keyId}`,
      Description: `bench key ${k + 1}`,
      Aliases: [`alias/bench-${k + 1}`],
    });
  }
  for (let c = 0; c < shape.configurations; c += 1) {
    configurations.push({
      Id: `c-0b000000-0000-4000-8000-${hex(c + 1, 12)}`,
      Name: `bench-config-${c + 1}`,
      EngineType: 'ACTIVEMQ',
      Revisions: Array.from({ length: shape.revisionsPerConfiguration }, (_, r) => ({
        Revision: r + 1,
        Data: revisionData[(c + r) % revisionData.length] as string,
        Description: `revision ${r + 1}`,
      })),
    });
  }
  const vpcGroups = Math.ceil(shape.brokers / 50);
  const teamGroups = Math.ceil(shape.brokers / 10);
  for (let v = 0; v < vpcGroups; v += 1) {
    const id = `sg-0bf${hex(v + 1, 14)}`;
    group(id, `bench-vpc-${v + 1}`);
    ingress(id, 'tcp', 8162, 8162, '10.0.0.0/8', 'console from the corporate network');
    egress(id);
  }
  for (let t = 0; t < teamGroups; t += 1) {
    const id = `sg-0be${hex(t + 1, 14)}`;
    group(id, `bench-team-${t + 1}`);
    ingress(id, 'tcp', 61617, 61617, `10.${t}.0.0/16`, 'team applications');
    egress(id);
    eni([id], 'Primary network interface', {
      InterfaceType: 'interface',
      RequesterManaged: false,
      Attachment: { InstanceId: `i-0b${hex(t + 1, 15)}`, DeviceIndex: 0, Status: 'attached' },
    });
  }

  for (let i = 0; i < shape.brokers; i += 1) {
    const rabbit = i % 7 === 6;
    const brokerId = `b-0b000000-0000-4000-8000-${hex(i + 1, 12)}`;
    const name = `bench-broker-${String(i + 1).padStart(3, '0')}`;
    const own = [1, 2, 3].map((g) => `sg-0b${hex(i + 1, 11)}${hex(g, 4)}`);
    own.forEach((id, g) => {
      group(id, `${name}-${g + 1}`);
      if (g === 0)
        ingress(id, 'tcp', rabbit ? 5671 : 61617, rabbit ? 5671 : 61617, '10.20.0.0/16', 'clients');
      if (g === 1) ingress(id, 'tcp', rabbit ? 443 : 8162, rabbit ? 443 : 8162, '10.20.0.0/16', 'console');
      if (g === 2 && i % 10 === 3) ingress(id, 'tcp', 0, 65535, '0.0.0.0/0', 'temporary debugging');
      egress(id);
    });
    const groups = [
      ...own,
      `sg-0be${hex(Math.floor(i / 10) + 1, 14)}`,
      `sg-0bf${hex(Math.floor(i / 50) + 1, 14)}`,
    ].slice(0, shape.groupsPerBroker);
    const template = clone(rabbit ? rabbitTemplate : activeTemplate);
    const standby = i % 2 === 0;
    const configuration = configurations[i % configurations.length] as Item;
    const keyArn = String((kmsKeys[i % kmsKeys.length] as Item).Arn);
    brokers.push({
      ...template,
      BrokerId: brokerId,
      BrokerName: name,
      BrokerArn: `arn:aws:mq:${region}:${account}:broker:${name}:${brokerId}`,
      BrokerState: 'RUNNING',
      DeploymentMode: rabbit
        ? standby
          ? 'CLUSTER_MULTI_AZ'
          : 'SINGLE_INSTANCE'
        : standby
          ? 'ACTIVE_STANDBY_MULTI_AZ'
          : 'SINGLE_INSTANCE',
      SecurityGroups: groups,
      PubliclyAccessible: false,
      Configurations: rabbit
        ? { Current: { Id: `c-0b000000-0000-4000-9000-${hex(i + 1, 12)}`, Revision: 1 } }
        : {
            Current: { Id: String(configuration.Id), Revision: (i % shape.revisionsPerConfiguration) + 1 },
            History: [],
          },
      EncryptionOptions:
        rabbit || i % 5 === 4 ? { UseAwsOwnedKey: true } : { UseAwsOwnedKey: false, KmsKeyId: keyArn },
      Tags: { team: `team-${Math.floor(i / 10) + 1}` },
    });
    if (rabbit) {
      // As the demo account records private RabbitMQ brokers: VPC endpoint interfaces naming no broker.
      for (let n = 0; n < (standby ? 3 : 1); n += 1) {
        eni(groups, `VPC Endpoint Interface vpce-0b${hex(i + 1, 15)}`, {
          InterfaceType: 'vpc_endpoint',
          RequesterManaged: true,
        });
      }
    } else {
      for (let n = 0; n < (standby ? 2 : 1); n += 1) {
        eni(groups, `Amazon MQ network interface for broker ${brokerId}`, {
          InterfaceType: 'interface',
          RequesterManaged: true,
        });
      }
    }
  }
  const file: AccountFileJson = {
    account,
    region,
    brokers,
    configurations,
    securityGroups,
    securityGroupRules,
    networkInterfaces,
    kmsKeys,
    denied: { kms: [] },
  };
  parseRecordedAccountFile(file, 'generated sweep account');
  return file;
};
