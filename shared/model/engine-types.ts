/**
 * DescribeBrokerEngineTypes items (`BrokerEngineTypes[]`: `{ EngineType, EngineVersions: [{ Name }] }`)
 * into the model. Parsed defensively: an unknown shape is an error naming the item, never an empty
 * list (an empty list would read as "Amazon MQ offers no version" and fail every broker).
 */
import { UnexpectedShapeError } from '../errors.ts';
import type { BrokerEngineTypeOffer } from './types.ts';
import { isPlainObject } from '../json.ts';

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

export const mapBrokerEngineType = (item: unknown, index = 0): BrokerEngineTypeOffer => {
  const where = `DescribeBrokerEngineTypes BrokerEngineTypes[${index}]`;
  if (!isPlainObject(item)) throw new UnexpectedShapeError(`${where} is not an object`);
  const { EngineType: engineType, EngineVersions: versions } = item;
  if (!nonEmptyString(engineType)) throw new UnexpectedShapeError(`${where} has no EngineType`);
  if (!Array.isArray(versions))
    throw new UnexpectedShapeError(`${where} (${engineType}) has no EngineVersions list`);
  return {
    engineType,
    versions: versions.map((version, at) => {
      const name = isPlainObject(version) ? version.Name : undefined;
      if (!nonEmptyString(name)) {
        throw new UnexpectedShapeError(`${where} (${engineType}) EngineVersions[${at}] has no Name`);
      }
      return name.trim();
    }),
  };
};

/** Every item mapped; the same engine listed on two pages is merged. */
export const mapBrokerEngineTypes = (items: readonly unknown[]): BrokerEngineTypeOffer[] => {
  const merged = new Map<string, string[]>();
  items.forEach((item, index) => {
    const offer = mapBrokerEngineType(item, index);
    const versions = merged.get(offer.engineType) ?? [];
    for (const version of offer.versions) if (!versions.includes(version)) versions.push(version);
    merged.set(offer.engineType, versions);
  });
  return [...merged].map(([engineType, versions]) => ({ engineType, versions }));
};
