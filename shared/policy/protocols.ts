/**
 * Which protocols a broker is taken to use: the broker's `mq-guardian:protocols` tag, else the
 * stack's allowlist for the engine, else every protocol of the engine. Every name is checked: a typo
 * silently dropped would shrink the allowed ports and make remediation revoke a port clients use.
 */
import { type Broker, type EngineType, isKnownEngineType } from '../model/types.ts';
import { ENGINE_PROTOCOLS, engineDisplayName, isEngineProtocol } from '../network/protocol-ports.ts';
import type { Protocol, Settings } from './settings.ts';
import { TAGS } from './settings.ts';

export type ProtocolsFrom = 'tag' | 'setting' | 'engine-default';

export type UsedProtocols =
  | {
      readonly ok: true;
      readonly engine: EngineType;
      readonly protocols: Protocol[];
      readonly from: ProtocolsFrom;
    }
  | { readonly ok: false; readonly reason: string };

const known = (engine: EngineType): string =>
  `${engineDisplayName(engine)} protocols are ${ENGINE_PROTOCOLS[engine].join(', ')}`;

/** In the engine's own order, without duplicates, so messages and evidence do not depend on how people wrote the list. */
const inEngineOrder = (engine: EngineType, names: readonly Protocol[]): Protocol[] =>
  ENGINE_PROTOCOLS[engine].filter((p) => names.includes(p));

/**
 * Parses a comma separated protocol list (the tag's value): items trimmed and compared in lower
 * case. An empty list, an empty item (`openwire,,console`) or a name the engine does not have is an
 * error naming the bad value.
 */
export const parseProtocolList = (
  engine: EngineType,
  text: string,
):
  | { readonly ok: true; readonly protocols: Protocol[] }
  | { readonly ok: false; readonly problem: string } => {
  if (text.trim() === '') return { ok: false, problem: 'is empty' };
  const items = text.split(',').map((item) => item.trim().toLowerCase());
  if (items.some((item) => item === '')) {
    return { ok: false, problem: `has an empty item in ${JSON.stringify(text)}` };
  }
  const unknown = [...new Set(items.filter((item) => !isEngineProtocol(engine, item)))];
  if (unknown.length > 0) {
    return {
      ok: false,
      problem: `names ${unknown.map((u) => JSON.stringify(u)).join(', ')}, which ${unknown.length === 1 ? 'is not a protocol' : 'are not protocols'} of this broker (${known(engine)})`,
    };
  }
  return { ok: true, protocols: inEngineOrder(engine, items as Protocol[]) };
};

export const resolveUsedProtocols = (
  broker: Pick<Broker, 'engineType' | 'tags'>,
  settings: Settings,
): UsedProtocols => {
  const engine = broker.engineType;
  if (!isKnownEngineType(engine)) {
    return {
      ok: false,
      reason: `the broker's engine type ${JSON.stringify(engine)} is not one mq-guardian knows, so the ports of its protocols are unknown`,
    };
  }

  if (Object.hasOwn(broker.tags, TAGS.protocols)) {
    const value = broker.tags[TAGS.protocols] ?? '';
    const parsed = parseProtocolList(engine, value);
    if (!parsed.ok) return { ok: false, reason: `the ${TAGS.protocols} tag ${parsed.problem}` };
    return { ok: true, engine, protocols: parsed.protocols, from: 'tag' };
  }

  const setting = settings.protocolAllowlist[engine];
  if (setting !== undefined) {
    const where = `the protocolAllowlist setting for ${engineDisplayName(engine)}`;
    if (!Array.isArray(setting) || setting.length === 0) return { ok: false, reason: `${where} is empty` };
    const unknown = setting.filter((p) => typeof p !== 'string' || !isEngineProtocol(engine, p));
    if (unknown.length > 0) {
      return {
        ok: false,
        reason: `${where} names ${unknown.map((u) => JSON.stringify(u)).join(', ')}, not ${unknown.length === 1 ? 'a protocol' : 'protocols'} of ${engineDisplayName(engine)} (${known(engine)})`,
      };
    }
    return { ok: true, engine, protocols: inEngineOrder(engine, setting), from: 'setting' };
  }

  return { ok: true, engine, protocols: [...ENGINE_PROTOCOLS[engine]], from: 'engine-default' };
};
