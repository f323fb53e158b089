import { describe, expect, it } from 'vitest';
import { UnexpectedShapeError } from '../../../shared/errors.ts';
import {
  mapManagedPrefixList,
  mapPrefixListAssociation,
  mapPrefixListEntry,
} from '../../../shared/model/prefix-list-mappers.ts';

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

describe('mapManagedPrefixList: State', () => {
  it('keeps the state of a list whose change is being applied, as EC2 says it', () => {
    // Act: the output of the AWS CLI example of modify-managed-prefix-list.
    const list = mapManagedPrefixList({
      PrefixListId: 'pl-0123456abcabcabc1',
      AddressFamily: 'IPv4',
      State: 'modify-in-progress',
      PrefixListName: 'vpc-cidrs',
      Version: 1,
      OwnerId: '123456789012',
    });

    // Assess
    expect(list.state).toBe('modify-in-progress');
  });

  it('refuses a State that is not a string', () => {
    // Act
    const map = () => mapManagedPrefixList({ PrefixListId: 'pl-0123456abcabcabc1', State: 3 });

    // Assess
    expect(map).toThrow(UnexpectedShapeError);
    expect(map).toThrow('State is not a string');
  });
});

describe('mapPrefixListAssociation', () => {
  it('maps the association of the AWS CLI example (get-managed-prefix-list-associations output)', () => {
    // Act
    const association = mapPrefixListAssociation(
      { ResourceId: 'sg-0abc123456abc12345', ResourceOwner: '123456789012' },
      'pl-0123456abcabcabc1',
    );

    // Assess
    expect(association).toEqual({ resourceId: 'sg-0abc123456abc12345', resourceOwner: '123456789012' });
  });

  it('keeps an association without its owner (EC2 documents ResourceOwner as optional)', () => {
    // Act
    const association = mapPrefixListAssociation(
      { ResourceId: 'rtb-0ca5e00000000a001' },
      'pl-0123456abcabcabc1',
    );

    // Assess
    expect(association).toEqual({ resourceId: 'rtb-0ca5e00000000a001' });
  });

  it.each([
    ['without its ResourceId', { ResourceOwner: '123456789012' }, 'ResourceId is missing'],
    ['whose ResourceId is not a string', { ResourceId: 42 }, 'ResourceId is not a non-empty string'],
    [
      'whose ResourceOwner is not a string',
      { ResourceId: 'sg-0abc123456abc12345', ResourceOwner: 1 },
      'ResourceOwner is not a string',
    ],
    ['that is not an object', 'sg-0abc123456abc12345', 'an association is not an object'],
  ])('refuses an association %s as an answer not understood', (_what, item, message) => {
    // Act
    const map = () => mapPrefixListAssociation(item as never, 'pl-0123456abcabcabc1');

    // Assess
    expect(map).toThrow(UnexpectedShapeError);
    expect(map).toThrow(message);
  });
});
