/**
 * A network reader built on its first call, not at cold start: for a function that reads security
 * groups on some paths only (config-rule: the two ingress checks), the other paths never construct the
 * EC2 client. The adapter module itself is imported statically on purpose: behind a dynamic
 * `import()` in a single-file bundle, esbuild cannot tree-shake the client, and the whole EC2 client
 * (1.6 MB) would be parsed at start-up instead of its pruned operations (docs/performance.md).
 */
import type { NetworkReader } from '../ports.ts';

export const lazyNetworkReader = (load: () => Promise<NetworkReader>): NetworkReader => {
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
