/**
 * Amazon MQ DescribeConfiguration's answer (SDK output shape) for a configuration of a recorded-account
 * file: its ARN, id, name, engine, description and tags, and its highest revision as LatestRevision.
 * Shared by the test account and the bench's simulated AWS, which answer from the same files.
 */
type Recorded = { readonly [key: string]: unknown };

export const describeConfigurationAnswer = (
  configuration: Recorded,
  region: string,
  account: string,
): Record<string, unknown> => {
  const revisions = (configuration.Revisions as Recorded[] | undefined) ?? [];
  const latest = revisions.reduce<Recorded | undefined>(
    (a, b) => (a === undefined || Number(b.Revision) > Number(a.Revision) ? b : a),
    undefined,
  );
  return {
    Arn: `arn:aws:mq:${region}:${account}:configuration:${String(configuration.Id)}`,
    Id: configuration.Id,
    Name: configuration.Name,
    EngineType: configuration.EngineType,
    ...(configuration.Description === undefined ? {} : { Description: configuration.Description }),
    ...(configuration.Tags === undefined ? {} : { Tags: structuredClone(configuration.Tags) }),
    ...(latest === undefined
      ? {}
      : {
          LatestRevision: {
            Created: new Date('2024-01-01T00:00:00.000Z'),
            Revision: latest.Revision,
            ...(latest.Description === undefined ? {} : { Description: latest.Description }),
          },
        }),
  };
};
