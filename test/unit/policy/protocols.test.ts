import { describe, expect, it } from 'vitest';
import type { EngineType } from '../../../shared/model/types.ts';
import { parseProtocolList, resolveUsedProtocols } from '../../../shared/policy/protocols.ts';
import type { Protocol, Settings } from '../../../shared/policy/settings.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';
import { aBroker } from '../../support/snapshot-builder.ts';

const TAG = 'mq-guardian:protocols';

const withAllowlist = (allowlist: Settings['protocolAllowlist']): Settings => ({
  ...DEFAULT_SETTINGS,
  protocolAllowlist: allowlist,
});

describe('resolveUsedProtocols', () => {
  it.each<[string, EngineType, string, Protocol[]]>([
    ['the best-practice example', 'ACTIVEMQ', 'openwire,console', ['openwire', 'console']],
    ['spaces around items', 'ACTIVEMQ', ' openwire , console ', ['openwire', 'console']],
    ['any case', 'ACTIVEMQ', 'OpenWire,CONSOLE', ['openwire', 'console']],
    [
      'engine order whatever the tag order',
      'ACTIVEMQ',
      'console,mqtt,openwire',
      ['openwire', 'mqtt', 'console'],
    ],
    ['a name twice', 'ACTIVEMQ', 'stomp,stomp', ['stomp']],
    [
      'RabbitMQ names on ActiveMQ (both engines have amqp and console)',
      'ACTIVEMQ',
      'amqp,console',
      ['amqp', 'console'],
    ],
    [
      'every ActiveMQ protocol',
      'ACTIVEMQ',
      'openwire,amqp,stomp,mqtt,wss,console',
      ['openwire', 'amqp', 'stomp', 'mqtt', 'wss', 'console'],
    ],
    ['RabbitMQ amqp only', 'RABBITMQ', 'amqp', ['amqp']],
    ['RabbitMQ console and amqp', 'RABBITMQ', 'Console, AMQP', ['amqp', 'console']],
  ])('reads the tag: %s', (_name, engineType, value, expected) => {
    // Prepare
    const broker = aBroker({ engineType, tags: { [TAG]: value } });
    // The tag wins over a stack setting.
    const settings = withAllowlist({ [engineType]: ['amqp'] });

    // Act
    const used = resolveUsedProtocols(broker, settings);

    // Assess
    expect(used).toMatchObject({ ok: true, protocols: expected, from: 'tag' });
  });

  it.each<[string, EngineType, string, string]>([
    ['a typo', 'ACTIVEMQ', 'openwire,consle', '"consle"'],
    ['an ActiveMQ protocol on RabbitMQ', 'RABBITMQ', 'amqp,openwire', '"openwire"'],
    ['two bad names', 'RABBITMQ', 'stomp,mqtt', '"stomp", "mqtt"'],
    ['a near miss (amqps)', 'RABBITMQ', 'amqps', '"amqps"'],
    ['a port number instead of a name', 'ACTIVEMQ', '61617', '"61617"'],
    ['an empty value', 'ACTIVEMQ', '', 'is empty'],
    ['only spaces', 'ACTIVEMQ', '   ', 'is empty'],
    ['an empty item', 'ACTIVEMQ', 'openwire,,console', 'empty item'],
    ['a trailing comma', 'ACTIVEMQ', 'openwire,', 'empty item'],
    ['semicolons instead of commas', 'ACTIVEMQ', 'openwire;console', '"openwire;console"'],
  ])('refuses the tag with %s and names the value', (_name, engineType, value, named) => {
    // Prepare
    const broker = aBroker({ engineType, tags: { [TAG]: value } });

    // Act
    const used = resolveUsedProtocols(broker, DEFAULT_SETTINGS);

    // Assess
    expect(used.ok).toBe(false);
    expect(used.ok ? '' : used.reason).toContain(TAG);
    expect(used.ok ? '' : used.reason).toContain(named);
  });

  it('lists what the engine has when a name is unknown', () => {
    // Prepare
    const broker = aBroker({ engineType: 'RABBITMQ', tags: { [TAG]: 'openwire' } });

    // Act
    const used = resolveUsedProtocols(broker, DEFAULT_SETTINGS);

    // Assess
    expect(used).toEqual({
      ok: false,
      reason: expect.stringContaining('RabbitMQ protocols are amqp, console'),
    });
  });

  it('uses the stack setting for the engine when the broker has no tag', () => {
    // Prepare
    const broker = aBroker({ engineType: 'ACTIVEMQ', tags: { owner: 'team-orders' } });
    const settings = withAllowlist({ ACTIVEMQ: ['console', 'openwire'], RABBITMQ: ['amqp'] });

    // Act
    const used = resolveUsedProtocols(broker, settings);

    // Assess
    expect(used).toMatchObject({ ok: true, protocols: ['openwire', 'console'], from: 'setting' });
  });

  it("does not use another engine's setting", () => {
    // Prepare
    const broker = aBroker({ engineType: 'RABBITMQ' });
    const settings = withAllowlist({ ACTIVEMQ: ['openwire'] });

    // Act
    const used = resolveUsedProtocols(broker, settings);

    // Assess
    expect(used).toMatchObject({ ok: true, protocols: ['amqp', 'console'], from: 'engine-default' });
  });

  it.each<[string, Settings['protocolAllowlist'], string]>([
    ['is empty', { RABBITMQ: [] }, 'protocolAllowlist setting for RabbitMQ is empty'],
    ['names an ActiveMQ protocol', { RABBITMQ: ['amqp', 'stomp'] }, '"stomp"'],
    ['names an unknown protocol', { RABBITMQ: ['amqp', 'http' as Protocol] }, '"http"'],
  ])('refuses a setting that %s', (_name, allowlist, named) => {
    // Prepare
    const broker = aBroker({ engineType: 'RABBITMQ' });

    // Act
    const used = resolveUsedProtocols(broker, withAllowlist(allowlist));

    // Assess
    expect(used).toEqual({ ok: false, reason: expect.stringContaining(named) });
  });

  it.each<[EngineType, Protocol[]]>([
    ['ACTIVEMQ', ['openwire', 'amqp', 'stomp', 'mqtt', 'wss', 'console']],
    ['RABBITMQ', ['amqp', 'console']],
  ])('falls back to every protocol of %s', (engineType, expected) => {
    // Prepare
    const broker = aBroker({ engineType });

    // Act
    const used = resolveUsedProtocols(broker, DEFAULT_SETTINGS);

    // Assess
    expect(used).toMatchObject({ ok: true, protocols: expected, from: 'engine-default' });
  });

  it('ignores a tag whose key differs in case (AWS tag keys are case-sensitive)', () => {
    // Prepare
    const broker = aBroker({ tags: { 'MQ-Guardian:Protocols': 'openwire' } });

    // Act
    const used = resolveUsedProtocols(broker, DEFAULT_SETTINGS);

    // Assess
    expect(used).toMatchObject({ ok: true, from: 'engine-default' });
  });

  it('refuses an engine it does not know', () => {
    // Prepare
    const broker = aBroker({ engineType: 'KAFKA' as EngineType });

    // Act
    const used = resolveUsedProtocols(broker, DEFAULT_SETTINGS);

    // Assess
    expect(used).toEqual({ ok: false, reason: expect.stringContaining('"KAFKA"') });
  });
});

describe('parseProtocolList', () => {
  it('returns the names in engine order', () => {
    // Act
    const parsed = parseProtocolList('ACTIVEMQ', 'wss,amqp');

    // Assess
    expect(parsed).toEqual({ ok: true, protocols: ['amqp', 'wss'] });
  });
});
