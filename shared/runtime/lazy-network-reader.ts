/**
 * A network reader that loads the EC2 client on its first call, not at cold start: for a function that
 * reads security groups on some paths only (config-rule: the two ingress checks), the other paths never
 * load or construct the EC2 client.
 */
import type { NetworkReader } from '../ports.ts';

export const lazyEc2NetworkReader = (
  load: () => Promise<NetworkReader> = () =>
    import('../aws/ec2.ts').then((ec2) => ec2.createEc2NetworkReader()),
): NetworkReader => {
  let reader: Promise<NetworkReader> | undefined;
  const get = (): Promise<NetworkReader> => {
    reader ??= load();
    // A failed load is not kept: the next call tries again.
    reader.catch(() => {
      reader = undefined;
    });
    return reader;
  };
  return {
    describeIngressRules: async (groupIds) => (await get()).describeIngressRules(groupIds),
    describeRulesById: async (ruleIds) => (await get()).describeRulesById(ruleIds),
    describeSecurityGroups: async (groupIds) => (await get()).describeSecurityGroups(groupIds),
    findSecurityGroupIdsByName: async (groupName) => (await get()).findSecurityGroupIdsByName(groupName),
    describeNetworkInterfaces: async (groupIds) => (await get()).describeNetworkInterfaces(groupIds),
  };
};
