import { describe, expect, it } from 'vitest';
import { revisionUnderEvaluation } from '../../../shared/activemq/configuration-revision.ts';
import type { BrokerSnapshot, ConfigurationState } from '../../../shared/model/types.ts';
import { aBroker, aSnapshot } from '../../support/snapshot-builder.ts';

const ref = (revision: number) => ({ id: 'c-1234a5b6-78cd-901e-2fgh-3i45j6k178l9', revision });
const noMap = { authorizationPluginPresent: false, authorizationMap: null } as const;
const parsedState = (revision: number): ConfigurationState => ({
  status: 'parsed',
  ref: ref(revision),
  configuration: noMap,
});
const errorState = (revision: number): ConfigurationState => ({
  status: 'error',
  ref: ref(revision),
  code: 'CONFIGURATION_PARSE',
  message: 'Configuration is empty.',
});
const absent: ConfigurationState = { status: 'absent', reason: 'no current configuration' };

const snapshot = (
  state: string,
  configuration: ConfigurationState,
  pending?: ConfigurationState,
): BrokerSnapshot =>
  aSnapshot({
    broker: aBroker({ state }),
    configuration,
    ...(pending ? { pendingConfiguration: pending } : {}),
  });

describe('revisionUnderEvaluation', () => {
  it.each<[string, BrokerSnapshot, unknown]>([
    [
      'the current revision when parsed',
      snapshot('RUNNING', parsedState(1), parsedState(2)),
      { status: 'parsed', role: 'current', ref: ref(1) },
    ],
    [
      'the current revision when it failed to parse',
      snapshot('RUNNING', errorState(1), parsedState(2)),
      { status: 'error', role: 'current', ref: ref(1) },
    ],
    [
      'the pending revision of a broker being created',
      snapshot('CREATION_IN_PROGRESS', absent, parsedState(1)),
      { status: 'parsed', role: 'pending', ref: ref(1) },
    ],
    [
      'the failed pending revision of a broker being created',
      snapshot('CREATION_IN_PROGRESS', absent, errorState(1)),
      { status: 'error', role: 'pending' },
    ],
    [
      'nothing for a running broker without current revision',
      snapshot('RUNNING', absent, parsedState(2)),
      { status: 'absent', reason: 'no current configuration' },
    ],
    [
      'nothing for a broker being created without pending revision',
      snapshot('CREATION_IN_PROGRESS', absent),
      { status: 'absent' },
    ],
    [
      'nothing when the pending revision is absent too',
      snapshot('CREATION_IN_PROGRESS', absent, { status: 'absent', reason: 'x' }),
      { status: 'absent', reason: 'no current configuration' },
    ],
  ])('chooses %s', (_name, given, expected) => {
    // Act
    const chosen = revisionUnderEvaluation(given);

    // Assess
    expect(chosen).toMatchObject(expected as object);
  });
});
