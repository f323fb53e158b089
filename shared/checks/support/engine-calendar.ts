/**
 * Whether a broker's engine version is supported, from two sources: the shipped end-of-support
 * table (engine-versions.ts: dates AWS announces) and Amazon MQ's live DescribeBrokerEngineTypes
 * answer (the versions it still creates brokers on). Amazon MQ stops offering a version at the latest
 * 30 days before its end of support (developer guide, "engine version management"), so a version it
 * no longer lists is reported even when the table does not know the version or has no date for it.
 */
import type { EngineOfferState, EngineType } from '../../model/types.ts';
import {
  COMPILED_ON,
  compareMajorMinor,
  DAY_MS,
  type EngineVersionLine,
  endOfSupportInstant,
  lookupVersion,
  majorMinor,
  type ParsedVersion,
  parseEngineVersion,
  recommendedVersion,
  WARNING_DAYS,
  WITHDRAWN_BEFORE_END_DAYS,
} from './engine-versions.ts';

/** Which source decided a verdict. */
export type CalendarSource = 'table' | 'amazon-mq' | 'both';

export const SOURCE_TEXT: Readonly<Record<CalendarSource, string>> = {
  table: `mq-guardian's end-of-support table (compiled ${COMPILED_ON})`,
  'amazon-mq': "Amazon MQ's DescribeBrokerEngineTypes answer",
  both: `mq-guardian's end-of-support table (compiled ${COMPILED_ON}) and Amazon MQ's DescribeBrokerEngineTypes answer`,
};

export interface SupportVerdict {
  readonly status: 'PASS' | 'FAIL';
  /** What the verdict rests on, after "runs <engine> <version>, ". */
  readonly reason: string;
  readonly decidedBy: CalendarSource;
  /** For FAIL: the EngineVersion field's evidence detail. */
  readonly detail?: string;
}

/** Whether Amazon MQ offers the broker's line: undefined when its answer was not read. */
const offeredByAmazonMq = (offer: EngineOfferState | undefined, raw: string, version: ParsedVersion) => {
  if (offer?.status !== 'read') return undefined;
  return offer.versions.some((name) => {
    const parsed = parseEngineVersion(name);
    return parsed === undefined ? name.trim() === raw.trim() : compareMajorMinor(parsed, version) === 0;
  });
};

const offerList = (offer: EngineOfferState | undefined): string =>
  offer?.status === 'read' ? offer.versions.join(', ') || 'none' : '';

/** " (5.19 is the recommended version)" when the recommended line is newer than the broker's. */
export const upgradeAdvice = (engine: EngineType, version: ParsedVersion): string => {
  const recommended = recommendedVersion(engine);
  if (!recommended) return '';
  const parsed = parseEngineVersion(recommended.version);
  return parsed && compareMajorMinor(parsed, version) > 0
    ? ` (${recommended.version} is the recommended version)`
    : '';
};

const datedVerdict = (
  line: EngineVersionLine,
  endOfSupport: Date,
  now: Date,
  advice: string,
  offered: boolean | undefined,
): SupportVerdict => {
  const remainingMs = endOfSupport.getTime() - now.getTime();
  const decidedBy: CalendarSource = offered === undefined ? 'table' : 'both';
  if (remainingMs <= 0) {
    return {
      status: 'FAIL',
      reason: `which reached end of support on ${line.endOfSupport}${advice}`,
      decidedBy,
      detail: `${line.version} end of support ${line.endOfSupport}`,
    };
  }
  const days = Math.ceil(remainingMs / DAY_MS);
  const withdrawn = offered === false ? '; Amazon MQ no longer creates brokers on it' : '';
  if (remainingMs <= WARNING_DAYS * DAY_MS) {
    return {
      status: 'PASS',
      reason: `which Amazon MQ supports until end of support on ${line.endOfSupport} (in ${days} ${days === 1 ? 'day' : 'days'})${withdrawn}: upgrade soon${advice}`,
      decidedBy,
    };
  }
  return {
    status: 'PASS',
    reason: `which Amazon MQ supports until ${line.endOfSupport}${withdrawn}${advice}`,
    decidedBy,
  };
};

/** The verdict on `raw` (already parsed as `version`) for `engine` at `now`. */
export const supportVerdict = (
  engine: EngineType,
  raw: string,
  version: ParsedVersion,
  offer: EngineOfferState | undefined,
  now: Date,
): SupportVerdict => {
  // An invalid clock would make every comparison false and the broker look supported.
  if (Number.isNaN(now.getTime())) throw new Error('CheckContext.now is not a valid date');
  const line = majorMinor(version);
  const advice = upgradeAdvice(engine, version);
  const lookup = lookupVersion(engine, version);
  const offered = offeredByAmazonMq(offer, raw, version);

  const endOfSupport = lookup.kind === 'known' ? endOfSupportInstant(lookup.line) : undefined;
  if (lookup.kind === 'known' && endOfSupport) {
    // A dated row decides: it says when, which Amazon MQ's list cannot.
    return datedVerdict(lookup.line, endOfSupport, now, advice, offered);
  }
  if (offered === false) {
    return {
      status: 'FAIL',
      reason: `which Amazon MQ no longer offers (it lists ${offerList(offer)}): it withdraws a version at the latest ${WITHDRAWN_BEFORE_END_DAYS} days before its end of support${advice}`,
      decidedBy: 'amazon-mq',
      detail: `${raw}: ${line} is not among the versions DescribeBrokerEngineTypes lists (${offerList(offer)})`,
    };
  }
  if (offered === true) {
    return {
      status: 'PASS',
      reason: `which Amazon MQ supports${advice}`,
      decidedBy: lookup.kind === 'known' ? 'both' : 'amazon-mq',
    };
  }
  // Amazon MQ's answer was not read: the table alone decides.
  switch (lookup.kind) {
    case 'known':
      return { status: 'PASS', reason: `which Amazon MQ supports${advice}`, decidedBy: 'table' };
    case 'newer-than-table':
      return {
        status: 'PASS',
        reason: `newer than ${lookup.newest.version}, the newest version mq-guardian's table knows; it is taken as supported`,
        decidedBy: 'table',
      };
    case 'unknown-older':
      return {
        status: 'FAIL',
        reason: `which is not a supported Amazon MQ version${advice}`,
        decidedBy: 'table',
        detail: `${raw}: ${line} is not in the Amazon MQ support calendar (compiled ${COMPILED_ON}); the newest is ${lookup.newest.version}`,
      };
  }
};
