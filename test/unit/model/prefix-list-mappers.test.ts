import { describe, expect, it } from 'vitest';
import { UnexpectedShapeError } from '../../../shared/errors.ts';
import { mapManagedPrefixList, mapPrefixListEntry } from '../../../shared/model/prefix-list-mappers.ts';

describe('mapManagedPrefixList', () => {
  it('maps the DescribeManagedPrefixLists item of the AWS CLI example (create-managed-prefix-list output)', () => {
    // Act
    const list = mapManagedPrefixList({
      PrefixListId: 'pl-0123456abcabcabc1',
      AddressFamily: 'IPv4',
      PrefixListName: 'vpc-cidrs',
      Version: 1,
      OwnerId: '123456789012',
    });

    // Assess
    expect(list).toEqual({
      prefixListId: 'pl-0123456abcabcabc1',
      name: 'vpc-cidrs',
      ownerId: '123456789012',
      addressFamily: 'IPv4',
      version: 1,
    });
  });

  it('keeps an AWS-managed list owned by AWS as AWS says it', () => {
    // Act
    const list = mapManagedPrefixList({
      PrefixListId: 'pl-63a5400a',
      PrefixListName: 'com.amazonaws.us-east-1.s3',
      OwnerId: 'AWS',
      AddressFamily: 'IPv4',
      Version: 57,
    });

    // Assess
    expect(list.ownerId).toBe('AWS');
    expect(list.name).toBe('com.amazonaws.us-east-1.s3');
  });

  it.each([
    ['no PrefixListId', { PrefixListName: 'x' }, 'PrefixListId is missing'],
    ['a Version that is text', { PrefixListId: 'pl-1', Version: '3' }, 'Version is not an integer'],
    ['an owner that is not text', { PrefixListId: 'pl-1', OwnerId: 123 }, 'OwnerId is not a string'],
  ])('refuses %s', (_case, item, detail) => {
    // Act
    const map = () => mapManagedPrefixList(item);

    // Assess
    expect(map).toThrow(UnexpectedShapeError);
    expect(map).toThrow(detail);
  });
});

describe('mapPrefixListEntry', () => {
  it('maps an entry with its description, and one without', () => {
    // Act
    const entries = [
      mapPrefixListEntry({ Cidr: '10.0.0.0/16', Description: 'vpc-a' }, 'pl-1'),
      mapPrefixListEntry({ Cidr: '2600:1f18::/32' }, 'pl-1'),
    ];

    // Assess
    expect(entries).toEqual([{ cidr: '10.0.0.0/16', description: 'vpc-a' }, { cidr: '2600:1f18::/32' }]);
  });

  it('refuses an entry without its CIDR, naming the list: an entry that admits nothing would be a guess', () => {
    // Act
    const map = () => mapPrefixListEntry({ Description: 'vpc-a' }, 'pl-1');

    // Assess
    expect(map).toThrow('GetManagedPrefixListEntries pl-1: Cidr is missing');
  });
});
