/**
 * EC2's managed prefix list reads (DescribeManagedPrefixLists, GetManagedPrefixListEntries,
 * GetManagedPrefixListAssociations) answered from a recorded-account file's `prefixLists` (SDK output
 * shapes). Shared by the test account and the bench's simulated AWS, which answer from the same files;
 * each passes its own way of building an EC2 service error, of reading filters and of paging.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Item = { [key: string]: Json };

export interface PrefixListSource {
  readonly account: string;
  readonly prefixLists?: Item[];
  readonly securityGroupRules: Item[];
  readonly denied?: { readonly prefixLists?: string[]; readonly prefixListAssociations?: string[] };
}

export interface AnswerTools {
  /** An EC2 service error as the SDK would throw it. */
  error(name: string, message: string, httpStatusCode?: number): Error;
  filtersOf(input: Item, known: readonly string[]): Map<string, Set<string>>;
  page<T>(items: readonly T[], input: Item, defaultSize: number): { items: T[]; next?: string };
}

/** MaxResults 1-100 for the list and entry reads, 5-255 for associations (EC2 API Reference). */
const checkPageSize = (tools: AnswerTools, input: Item, least = 1, most = 100): void => {
  const size = input.MaxResults;
  if (size !== undefined && (typeof size !== 'number' || size < least || size > most)) {
    throw tools.error(
      'InvalidParameterValue',
      `Value ( ${String(size)} ) for parameter maxResults is invalid.`,
    );
  }
};

const notFound = (tools: AnswerTools, id: string): Error =>
  tools.error('InvalidPrefixListID.NotFound', `The prefix list ID '${id}' does not exist`);

/** The file's list `id`: UnauthorizedOperation when `denied` names it, InvalidPrefixListID.NotFound when absent. */
const readableList = (
  source: PrefixListSource,
  tools: AnswerTools,
  id: string,
  denied: readonly string[] | undefined,
): Item => {
  if ((denied ?? []).includes(id)) {
    throw tools.error('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403);
  }
  const list = (source.prefixLists ?? []).find((p) => p.PrefixListId === id);
  if (!list) throw notFound(tools, id);
  return list;
};

/** The file's lists without their entries, filtered by prefix-list-id, owner-id or prefix-list-name. */
export const describeManagedPrefixLists = (
  source: PrefixListSource,
  tools: AnswerTools,
  input: Item,
): unknown => {
  checkPageSize(tools, input);
  const filters = tools.filtersOf(input, ['prefix-list-id', 'owner-id', 'prefix-list-name']);
  const ids = input.PrefixListIds as string[] | undefined;
  const all = source.prefixLists ?? [];
  for (const id of ids ?? []) {
    if (!all.some((p) => p.PrefixListId === id)) throw notFound(tools, id);
  }
  const matches = (name: string, value: Json | undefined) =>
    filters.get(name) === undefined || filters.get(name)?.has(String(value)) === true;
  const lists = all
    .filter(
      (p) =>
        matches('prefix-list-id', p.PrefixListId) &&
        matches('owner-id', p.OwnerId) &&
        matches('prefix-list-name', p.PrefixListName) &&
        (ids === undefined || ids.includes(String(p.PrefixListId))),
    )
    .map(({ Entries: _entries, Associations: _associations, ...list }) => list);
  const { items, next } = tools.page(lists, input, 100);
  return { PrefixLists: structuredClone(items), ...(next === undefined ? {} : { NextToken: next }) };
};

/**
 * The list's entries, paged. Only the current version is recorded: a TargetVersion other than the
 * list's Version is refused rather than answered with entries of another version.
 */
export const getManagedPrefixListEntries = (
  source: PrefixListSource,
  tools: AnswerTools,
  input: Item,
): unknown => {
  checkPageSize(tools, input);
  const id = String(input.PrefixListId);
  const list = readableList(source, tools, id, source.denied?.prefixLists);
  if (input.TargetVersion !== undefined && input.TargetVersion !== list.Version) {
    throw new Error(`recorded account: version ${String(input.TargetVersion)} of ${id} is not recorded`);
  }
  const { items, next } = tools.page((list.Entries as Item[] | undefined) ?? [], input, 100);
  return { Entries: structuredClone(items), ...(next === undefined ? {} : { NextToken: next }) };
};

/**
 * The resources that reference the list, paged (MaxResults 5-255, EC2 API Reference): the list's
 * recorded `Associations`, else the groups whose rules name it, owned by this account.
 */
export const getManagedPrefixListAssociations = (
  source: PrefixListSource,
  tools: AnswerTools,
  input: Item,
): unknown => {
  checkPageSize(tools, input, 5, 255);
  const id = String(input.PrefixListId);
  const list = readableList(source, tools, id, source.denied?.prefixListAssociations);
  const recorded = list.Associations as Item[] | undefined;
  const groups = [
    ...new Set(source.securityGroupRules.filter((r) => r.PrefixListId === id).map((r) => r.GroupId)),
  ];
  const associations =
    recorded ??
    groups.map((groupId): Item => ({ ResourceId: String(groupId), ResourceOwner: source.account }));
  const { items, next } = tools.page(associations, input, 255);
  return {
    PrefixListAssociations: structuredClone(items),
    ...(next === undefined ? {} : { NextToken: next }),
  };
};
