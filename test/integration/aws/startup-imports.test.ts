import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionBuildOptions, packageOf, staticInputsOf } from '../../bench/bundle.ts';
import { ROOT } from '../../bench/harness.ts';
import { loadServerlessConfig } from '../../bench/serverless-config.ts';

interface StartupGraph {
  /** Every input of the bundle, eager or loaded by `import()`. */
  readonly all: ReadonlySet<string>;
  /** The inputs a cold start reads: the handler and what it imports statically, transitively. */
  readonly startup: ReadonlySet<string>;
}

/** Each function built with the options and plugins serverless.yml gives serverless-esbuild. */
const graphs = new Map<string, StartupGraph>();

const graphOf = (name: string): StartupGraph => {
  const graph = graphs.get(name);
  if (!graph) throw new Error(`no function ${name} in serverless.yml`);
  return graph;
};

beforeAll(async () => {
  const config = loadServerlessConfig(ROOT);
  for (const fn of config.functions) {
    const result = await build(functionBuildOptions(config, fn.entry));
    const metafile = result.metafile as Metafile;
    graphs.set(fn.name, {
      all: new Set(Object.keys(metafile.inputs)),
      startup: staticInputsOf(metafile, fn.entry),
    });
  }
});

/** What evaluating a broker needs, and an event on a group no broker uses does not. */
const EVALUATION = [
  'shared/use-cases/evaluate-broker.ts',
  'shared/checks/registry.ts',
  'shared/checks/mq-broker-ingress-not-open-to-world.ts',
  'shared/remediation/plan.ts',
  'shared/remediation/execute.ts',
];
/** What announcing findings needs (config-rule reports to AWS Config only). */
const ALERTING = ['shared/alerts/plan.ts', 'shared/alerts/sink.ts'];

// The functions read at start-up only what their first reads need; the checks, the alert plan and
// remediation load by import() beside an invocation's first reads.
describe('what the functions read at start-up', () => {
  it.each([
    ['on-ingress-event', [...EVALUATION, ...ALERTING]],
    ['on-broker-event', [...EVALUATION, ...ALERTING]],
    ['sweep', [...EVALUATION, ...ALERTING]],
    ['config-rule', EVALUATION],
  ])('%s loads the evaluation only on first use', (name, lazy) => {
    // Act
    const { all, startup } = graphOf(name);

    // Assess
    for (const input of lazy) {
      expect(all, input).toContain(input);
      expect(startup, input).not.toContain(input);
    }
    expect([...all].map(packageOf)).toContain('ibantools');
    expect([...startup].map(packageOf)).not.toContain('ibantools');
  });

  it('sweep parses no event: it names the remediation request without its schema, and loads no zod', () => {
    // Act
    const { all, startup } = graphOf('sweep');

    // Assess
    expect(startup).toContain('shared/events/remediation-request-kind.ts');
    expect(startup).not.toContain('shared/events/remediation-request.ts');
    expect(startup).not.toContain('shared/events/validation.ts');
    expect([...all].map(packageOf)).toContain('zod');
    expect([...startup].map(packageOf)).not.toContain('zod');
  });

  it('on-ingress-event reads at start-up the event, the settings and the EC2 client it first calls', () => {
    // Act
    const { startup } = graphOf('on-ingress-event');

    // Assess
    expect(startup).toContain('shared/events/cloudtrail.ts');
    expect(startup).toContain('shared/policy/load-settings.ts');
    expect(startup).toContain('shared/aws/ec2.ts');
    expect(startup).not.toContain('shared/aws/mq.ts');
  });
});

describe('SDK clients at start-up', () => {
  it('config-rule loads Amazon MQ, which its first read calls, and Config beside that read, not at start-up', () => {
    // Act
    const { all, startup } = graphOf('config-rule');

    // Assess
    expect([...startup].map(packageOf)).toContain('@aws-sdk/client-mq');
    expect(all).toContain('shared/aws/config.ts');
    expect(startup).not.toContain('shared/aws/config.ts');
    expect([...all].map(packageOf)).toContain('@aws-sdk/client-config-service');
    expect([...startup].map(packageOf)).not.toContain('@aws-sdk/client-config-service');
  });

  it('config-rule loads EC2 only for an ingress check, on first use', () => {
    // Act
    const { all, startup } = graphOf('config-rule');

    // Assess
    expect([...all].map(packageOf)).toContain('@aws-sdk/client-ec2');
    expect([...startup].map(packageOf)).not.toContain('@aws-sdk/client-ec2');
  });

  it.each(['on-ingress-event', 'on-broker-event', 'config-rule', 'sweep'])(
    '%s loads Security Hub only when a finding is imported',
    (name) => {
      // Act
      const { all, startup } = graphOf(name);

      // Assess
      expect([...all].map(packageOf)).toContain('@aws-sdk/client-securityhub');
      expect([...startup].map(packageOf)).not.toContain('@aws-sdk/client-securityhub');
    },
  );
});
