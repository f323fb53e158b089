import { describe, expect, it } from 'vitest';
import { mapNetworkInterface } from '../../../shared/model/mappers.ts';

const BROKER = 'b-1a2b3c4d-0000-4000-8000-000000000001';
const DESCRIPTION = `Amazon MQ network interface for broker ${BROKER}`;

/** A broker interface as the recorded accounts hold it: requester-managed, unattached to an instance. */
const brokerInterface = (overrides: Record<string, unknown> = {}) => ({
  NetworkInterfaceId: 'eni-0a1b2c3d4e5f60011',
  Description: DESCRIPTION,
  InterfaceType: 'interface',
  RequesterId: 'AROAEXAMPLEMQSERVICE',
  RequesterManaged: true,
  Groups: [{ GroupId: 'sg-0a1b2c3d4e5f60001' }],
  ...overrides,
});

describe('mapNetworkInterface broker evidence', () => {
  it('names the broker of a requester-managed, unattached interface of type interface', () => {
    // Act
    const eni = mapNetworkInterface(brokerInterface());

    // Assess
    expect(eni.brokerId).toBe(BROKER);
    expect(eni.describedBrokerId).toBe(BROKER);
  });

  it.each([
    [
      'an instance attachment',
      {
        RequesterManaged: false,
        Attachment: { InstanceId: 'i-0a1b2c3d4e5f60001', InstanceOwnerId: '123456789012' },
      },
    ],
    ['RequesterManaged false', { RequesterManaged: false }],
    ['no RequesterManaged field', { RequesterManaged: undefined }],
    ['another interface type', { InterfaceType: 'vpc_endpoint' }],
    ['no interface type', { InterfaceType: undefined }],
    ['an instance attachment while requester-managed', { Attachment: { InstanceId: 'i-0a1b2c3d4e5f60001' } }],
    ['the requester id of another AWS service', { RequesterId: 'amazon-elb' }],
    ['the requester id of another AWS service in other letters', { RequesterId: 'Amazon-RDS' }],
  ])('takes the description only as a claim with %s', (_case, overrides) => {
    // Act
    const eni = mapNetworkInterface(brokerInterface(overrides));

    // Assess
    expect(eni.brokerId).toBeUndefined();
    expect(eni.describedBrokerId).toBe(BROKER);
  });

  it('names no broker for a description that only resembles Amazon MQ wording', () => {
    // Act
    const eni = mapNetworkInterface(brokerInterface({ Description: `${DESCRIPTION} (copy)` }));

    // Assess
    expect(eni.brokerId).toBeUndefined();
    expect(eni.describedBrokerId).toBeUndefined();
  });
});
