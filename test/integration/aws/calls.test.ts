import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { describe, expect, it, vi } from 'vitest';
import { awsErrorName, callAws, chunk, readAllPages, toAwsCallError } from '../../../shared/aws/calls.ts';
import { AwsCallError, UnexpectedShapeError } from '../../../shared/errors.ts';
import { awsError, REQUEST_ID } from './support.ts';

describe('callAws', () => {
  it('returns the tolerated answer for a service error of that name', async () => {
    // Prepare
    const call = () => Promise.reject(awsError(EC2ServiceException, 'InvalidGroup.NotFound', 'gone'));

    // Act
    const result = await callAws('DescribeSecurityGroups', call, { 'InvalidGroup.NotFound': () => 'absent' });

    // Assess
    expect(result).toBe('absent');
  });

  it('rethrows any other error as AwsCallError with the original as cause', async () => {
    // Prepare
    const cause = awsError(EC2ServiceException, 'RequestLimitExceeded', 'Request limit exceeded.', 503);

    // Act
    const error = await callAws('DescribeSecurityGroups', () => Promise.reject(cause), {
      'InvalidGroup.NotFound': () => 'absent',
    }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({
      operation: 'DescribeSecurityGroups',
      awsErrorName: 'RequestLimitExceeded',
      message: `DescribeSecurityGroups failed: RequestLimitExceeded: Request limit exceeded. (HTTP 503, request ${REQUEST_ID})`,
      cause,
    });
  });

  it('does not tolerate an error of the right name that never reached AWS', async () => {
    // Prepare
    const local = Object.assign(new Error('socket hang up'), { name: 'InvalidGroup.NotFound' });

    // Act
    const result = callAws('DescribeSecurityGroups', () => Promise.reject(local), {
      'InvalidGroup.NotFound': () => 'absent',
    });

    // Assess
    await expect(result).rejects.toBeInstanceOf(AwsCallError);
  });

  it('does not mistake inherited object keys for tolerated names', async () => {
    // Prepare
    const odd = awsError(EC2ServiceException, 'constructor', 'odd');

    // Act
    const result = callAws('DescribeSecurityGroups', () => Promise.reject(odd), {});

    // Assess
    await expect(result).rejects.toMatchObject({ awsErrorName: 'constructor' });
  });
});

describe('toAwsCallError', () => {
  it.each([
    [
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
      'TimeoutError',
      'X failed: TimeoutError: timed out',
    ],
    ['plain string', 'Unknown', 'X failed: Unknown: plain string'],
    [{}, 'Unknown', 'X failed: Unknown: no message'],
  ])('names %o as %s', (error, name, message) => {
    // Act
    const translated = toAwsCallError('X', error);

    // Assess
    expect(translated).toMatchObject({ operation: 'X', awsErrorName: name, message });
    expect(awsErrorName(error)).toBe(name);
  });

  it('keeps an AwsCallError as it is', () => {
    // Prepare
    const original = new AwsCallError('Inner', 'ReturnFalse', 'Inner did not return true');

    // Act
    const translated = toAwsCallError('Outer', original);

    // Assess
    expect(translated).toBe(original);
  });
});

describe('readAllPages', () => {
  it('follows NextToken until a page has none', async () => {
    // Prepare
    const fetchPage = vi.fn(async (token: string | undefined) =>
      token === undefined ? { items: [1, 2], nextToken: 'p2' } : { items: [3], nextToken: undefined },
    );

    // Act
    const items = await readAllPages('List', fetchPage);

    // Assess
    expect(items).toEqual([1, 2, 3]);
    expect(fetchPage.mock.calls).toEqual([[undefined], ['p2']]);
  });

  it('treats an empty NextToken as the last page', async () => {
    // Act
    const items = await readAllPages('List', async () => ({ items: ['a'], nextToken: '' }));

    // Assess
    expect(items).toEqual(['a']);
  });

  it('throws UnexpectedShapeError when a token comes back a second time', async () => {
    // Prepare
    const tokens = ['a', 'b', 'a'];
    let page = 0;

    // Act
    const result = readAllPages('List', async () => ({ items: [page], nextToken: tokens[page++] }));

    // Assess
    await expect(result).rejects.toBeInstanceOf(UnexpectedShapeError);
    expect(page).toBe(3);
  });
});

describe('chunk', () => {
  it.each([
    [[], 200, []],
    [[1, 2, 3], 2, [[1, 2], [3]]],
    [[1, 2], 2, [[1, 2]]],
  ])('splits %o by %i into %o', (values, size, chunks) => {
    // Act & Assess
    expect(chunk(values, size)).toEqual(chunks);
  });

  it('refuses a size below 1', () => {
    // Act & Assess
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});
