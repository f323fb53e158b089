/**
 * DescribeConfiguration and DescribeConfigurationRevision outputs → the model. Like mappers.ts, the
 * input types are structural copies of the SDK output shapes, and every field is checked at run
 * time: a text field of the wrong type is an UnexpectedShapeError, never read as "no text".
 */
import { errorMessage, UnexpectedShapeError } from '../errors.ts';
import { isPlainObject } from '../json.ts';
import { mapTags, optionalString, requireInteger, requireString } from './mappers.ts';
import type { ConfigurationDetails, ConfigurationRef, ConfigurationRevisionDetails } from './types.ts';

/** DescribeConfigurationResponse, the fields read. */
export interface DescribeConfigurationShape {
  Id?: unknown;
  Name?: unknown;
  Description?: unknown;
  LatestRevision?: unknown;
  Tags?: unknown;
}

/** DescribeConfigurationRevisionResponse, the fields read. */
export interface DescribeConfigurationRevisionShape {
  Data?: unknown;
  Description?: unknown;
}

/** Amazon MQ answers a configuration's tags as a map of strings; anything else is a shape error. */
const configurationTags = (tags: unknown, what: string) => {
  if (!isPlainObject(tags)) throw new UnexpectedShapeError(`${what}: Tags is not a map`);
  try {
    return mapTags(tags as Readonly<Record<string, string>>);
  } catch (error) {
    throw new UnexpectedShapeError(`${what}: ${errorMessage(error)}`);
  }
};

export const mapConfiguration = (output: DescribeConfigurationShape, id: string): ConfigurationDetails => {
  const what = `DescribeConfiguration ${id}`;
  const name = requireString(output.Name, what, 'Name');
  const description = optionalString(output.Description, what, 'Description');
  const latest: unknown = output.LatestRevision;
  let latestRevision: ConfigurationDetails['latestRevision'];
  if (latest !== undefined && latest !== null) {
    if (!isPlainObject(latest)) throw new UnexpectedShapeError(`${what}: LatestRevision is not an object`);
    const revisionDescription = optionalString(latest.Description, what, 'LatestRevision.Description');
    latestRevision = {
      revision: requireInteger(latest.Revision, what, 'LatestRevision.Revision'),
      ...(revisionDescription === undefined ? {} : { description: revisionDescription }),
    };
  }
  const tags =
    output.Tags === undefined || output.Tags === null ? undefined : configurationTags(output.Tags, what);
  return {
    id,
    name,
    ...(description === undefined ? {} : { description }),
    ...(latestRevision === undefined ? {} : { latestRevision }),
    ...(tags === undefined ? {} : { tags }),
  };
};

/** Null means "no such revision" to callers, so a found revision without Data must not look like that. */
export const mapConfigurationRevision = (
  output: DescribeConfigurationRevisionShape,
  ref: ConfigurationRef,
): ConfigurationRevisionDetails => {
  const what = `DescribeConfigurationRevision ${ref.id} revision ${ref.revision}`;
  if (typeof output.Data !== 'string') throw new UnexpectedShapeError(`${what} returned no Data`);
  const description = optionalString(output.Description, what, 'Description');
  return { data: output.Data, ...(description === undefined ? {} : { description }) };
};
