/**
 * Counts sequential read rounds: every call of a recorded account made through these ports answers
 * one macrotask later, so calls started together are in flight together. A call's round is one more
 * than the highest round among the calls that had completed when it started: the number of reads
 * the caller could have waited for, one after the other, before it. Operation counts, never time.
 */
import type { RecordedAccount } from '../../shared/recorded/recorded-account.ts';
import type { AccountReaders, IngressWriter } from '../../shared/ports.ts';

export interface RoundCall {
  readonly operation: string;
  readonly kind: 'read' | 'write';
  /** For a write: the sequential read rounds completed before it started. */
  readonly round: number;
}

const OPERATIONS: Record<string, string> = {
  describeBroker: 'DescribeBroker',
  listBrokers: 'ListBrokers',
  describeConfigurationRevision: 'DescribeConfigurationRevision',
  describeConfiguration: 'DescribeConfiguration',
  describeIngressRules: 'DescribeSecurityGroupRules',
  describeRulesById: 'DescribeSecurityGroupRules',
  describeSecurityGroups: 'DescribeSecurityGroups',
  findSecurityGroupIdsByName: 'DescribeSecurityGroups',
  describeNetworkInterfaces: 'DescribeNetworkInterfaces',
  readPrefixList: 'GetManagedPrefixListEntries',
  prefixListAssociations: 'GetManagedPrefixListAssociations',
  describeKey: 'DescribeKey',
  authorizeIngress: 'AuthorizeSecurityGroupIngress',
  revokeIngress: 'RevokeSecurityGroupIngress',
};

const nextMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const withReadRounds = (account: RecordedAccount) => {
  const calls: RoundCall[] = [];
  let completedReadRound = 0;
  const wrap = <T extends object>(target: T, kind: 'read' | 'write'): T =>
    new Proxy(target, {
      get(object, key, receiver) {
        const value = Reflect.get(object, key, receiver) as unknown;
        const operation = typeof key === 'string' ? OPERATIONS[key] : undefined;
        if (typeof value !== 'function' || operation === undefined) return value;
        return async (...args: unknown[]) => {
          const round = kind === 'read' ? completedReadRound + 1 : completedReadRound;
          calls.push({ operation, kind, round });
          await nextMacrotask();
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(object, args);
          if (kind === 'read') completedReadRound = Math.max(completedReadRound, round);
          return result;
        };
      },
    });
  const readers: AccountReaders = {
    brokers: wrap(account, 'read'),
    network: wrap(account, 'read'),
    keys: wrap(account, 'read'),
  };
  const writer: IngressWriter = wrap(account, 'write');
  return {
    readers,
    writer,
    calls: (): readonly RoundCall[] => [...calls],
    /** Sequential read rounds completed before the first call of `operation`; undefined when none. */
    roundsBefore: (operation: string): number | undefined =>
      calls.find((c) => c.kind === 'write' && c.operation === operation)?.round,
  };
};
