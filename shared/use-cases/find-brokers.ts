/**
 * Which brokers an EC2 or configuration event can have changed, with as few reads as possible.
 *
 * Groups → brokers: one DescribeNetworkInterfaces call filtered by the groups. Amazon MQ names the
 * broker in the description of the interfaces it creates for ActiveMQ brokers (public code, not AWS
 * documentation), and a group no interface uses has no broker. Every other interface must be
 * recognisably something else (an EC2 instance's own interface, a Lambda / NAT gateway / load balancer
 * interface, ...) for the answer to be conclusive. One that could be a broker's without naming it (a
 * VPC endpoint interface, an unattached interface, an "Amazon MQ" description without an id, any
 * wording AWS may change) makes it inconclusive, and then the brokers themselves are asked:
 * ListBrokers and DescribeBroker of each, whose SecurityGroups are authoritative.
 */
import type { Broker, BrokerSummary, NetworkInterfaceUse } from '../model/types.ts';
import type { AccountReaders } from '../ports.ts';
import { mapBounded } from './bounded.ts';
import { listedButNotFoundError, mayBeGone } from './listed-brokers.ts';

/** DescribeBroker calls in flight at once: the Amazon MQ rate limit is one bucket per account. */
export const DESCRIBE_CONCURRENCY = 5;

export interface BrokersUsingGroups {
  readonly brokerIds: string[];
  /** False when the interfaces could not settle it and the brokers were listed and described instead. */
  readonly conclusive: boolean;
  /** Every interface of the groups, as read. */
  readonly interfaces: NetworkInterfaceUse[];
}

/** Interface types of other services (EC2 `InterfaceType`); Amazon MQ's interfaces are plain `interface`. */
const OTHER_SERVICE_INTERFACE_TYPES = new Set([
  'lambda',
  'nat_gateway',
  'network_load_balancer',
  'gateway_load_balancer',
  'gateway_load_balancer_endpoint',
  'load_balancer',
  'efa',
  'efa-only',
  'trunk',
  'branch',
  'api_gateway_managed',
  'aws_codestar_connections_managed',
  'global_accelerator_managed',
  'iot_rules_managed',
  'quicksight',
  'transit_gateway',
  'ec2_instance_connect_endpoint',
]);

/** Descriptions other services give the interfaces they create (as the EC2 console shows them). */
const OTHER_SERVICE_DESCRIPTIONS = [
  /^RDSNetworkInterface$/,
  /^AWS Lambda VPC ENI/,
  /^ELB /,
  /^EFS mount target for /,
  /^ElastiCache /,
  /^arn:aws[a-z-]*:ecs:/,
];

const MQ_WORDING = /amazon\s*mq|amazonmq/i;

/** True when the interface is recognisably not an Amazon MQ broker's. */
export const isOtherServiceInterface = (eni: NetworkInterfaceUse): boolean => {
  if (eni.brokerId !== undefined || MQ_WORDING.test(eni.description)) return false;
  if (eni.interfaceType !== undefined && OTHER_SERVICE_INTERFACE_TYPES.has(eni.interfaceType)) return true;
  // An instance's own interface; a service-managed one attached elsewhere proves nothing.
  if (eni.instanceId !== undefined && eni.requesterManaged !== true) return true;
  return OTHER_SERVICE_DESCRIPTIONS.some((pattern) => pattern.test(eni.description));
};

/**
 * Every listed broker, described (`concurrency` at once). A listed broker DescribeBroker does not
 * find is left out only when it is being deleted (listed-brokers.ts); any other makes which groups
 * it uses a fact not read (thrown), never "none".
 */
export const describeListed = async (
  summaries: readonly BrokerSummary[],
  describe: (brokerId: string) => Promise<Broker | null>,
  concurrency: number,
): Promise<readonly Broker[]> => {
  const described = await mapBounded(summaries, concurrency, (s) => describe(s.id));
  const unseen = summaries.filter((s, i) => described[i] === null && !mayBeGone(s));
  if (unseen.length > 0) {
    throw listedButNotFoundError(unseen, (one) => `which groups ${one ? 'it uses' : 'they use'} is unknown`);
  }
  return described.filter((b): b is Broker => b !== null);
};

/** Every broker of the account, described, except `skip` (see describeListed for brokers not found). */
const describeAllBrokers = async (readers: AccountReaders, skip: ReadonlySet<string> = new Set()) => {
  const summaries = (await readers.brokers.listBrokers()).filter((s) => !skip.has(s.id));
  return describeListed(summaries, (id) => readers.brokers.describeBroker(id), DESCRIBE_CONCURRENCY);
};

/**
 * Hooks of the event path that reads in rounds. `describeAll`: the account's brokers, described
 * (the invocation's cached listing) instead of a listing of its own. `onBrokersPossible`: called as
 * soon as the interfaces leave any broker possible (named, or not explained), before the listing is
 * awaited, so that the next round's reads start with it.
 */
export interface FindBrokersOptions {
  readonly describeAll?: () => Promise<readonly Broker[]>;
  readonly onBrokersPossible?: () => void;
}

export const findBrokersUsingGroups = async (
  groupIds: readonly string[],
  readers: AccountReaders,
  options: FindBrokersOptions = {},
): Promise<BrokersUsingGroups> => {
  const wanted = [...new Set(groupIds)];
  if (wanted.length === 0) return { brokerIds: [], conclusive: true, interfaces: [] };
  const interfaces = await readers.network.describeNetworkInterfaces(wanted);
  const named = [...new Set(interfaces.flatMap((eni) => (eni.brokerId === undefined ? [] : [eni.brokerId])))];
  const unexplained = interfaces.some((eni) => eni.brokerId === undefined && !isOtherServiceInterface(eni));
  if (named.length > 0 || unexplained) options.onBrokersPossible?.();
  if (!unexplained) return { brokerIds: named, conclusive: true, interfaces };

  const groups = new Set(wanted);
  const skip = new Set(named);
  const described = options.describeAll
    ? (await options.describeAll()).filter((b) => !skip.has(b.id))
    : await describeAllBrokers(readers, skip);
  const listed = described.filter((b) => b.securityGroupIds.some((id) => groups.has(id))).map((b) => b.id);
  return { brokerIds: [...named, ...listed], conclusive: false, interfaces };
};

/**
 * Brokers whose current or pending configuration is `configurationId`. ListBrokers does not say which
 * configuration a broker uses, so every broker is described.
 */
export const findBrokersUsingConfiguration = async (
  configurationId: string,
  readers: AccountReaders,
): Promise<string[]> => {
  const brokers = await describeAllBrokers(readers);
  return brokers
    .filter(
      ({ configurations: { current, pending } }) =>
        current?.id === configurationId || pending?.id === configurationId,
    )
    .map((b) => b.id);
};
