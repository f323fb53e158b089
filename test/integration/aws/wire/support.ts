/**
 * One loopback AWS per test file, serving the demo account (events/accounts/demo-account.json) to real
 * SDK clients over HTTP; back to the file's state, with no faults and no recorded requests, before
 * every test. Every test file also holds the loopback to having understood every request.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { loopbackClientConfig } from '../../../support/loopback-aws/client-config.ts';
import { LoopbackAws } from '../../../support/loopback-aws/server.ts';
import { SdkAccount } from '../../../support/sdk-account.ts';

export const DEMO_ACCOUNT_TEXT = readFileSync(
  new URL('../../../../events/accounts/demo-account.json', import.meta.url),
  'utf8',
);

export interface LoopbackFixture {
  readonly aws: LoopbackAws;
  readonly account: SdkAccount;
  /** Client settings for this loopback (production settings but endpoint, credentials and back-off). */
  readonly config: (
    options?: Parameters<typeof loopbackClientConfig>[1],
  ) => ReturnType<typeof loopbackClientConfig>;
}

export const useLoopbackAws = (): LoopbackFixture => {
  const account = new SdkAccount(DEMO_ACCOUNT_TEXT);
  let aws: LoopbackAws | undefined;
  const fixture = {
    get aws(): LoopbackAws {
      if (!aws) throw new Error('the loopback AWS is not started');
      return aws;
    },
    account,
    config: (options?: Parameters<typeof loopbackClientConfig>[1]) =>
      loopbackClientConfig(fixture.aws.url, options),
  };
  beforeAll(async () => {
    aws = await LoopbackAws.start({ backend: account });
  });
  beforeEach(() => {
    account.reset();
    fixture.aws.clear();
    return () => {
      expect(fixture.aws.unexpected).toEqual([]);
    };
  });
  afterAll(async () => {
    await aws?.stop();
  });
  return fixture;
};

/** `Action=…&Version=…&…` decoded into ordered pairs, for exact comparisons that read well. */
export const formPairs = (body: string): [string, string][] => [...new URLSearchParams(body)];
