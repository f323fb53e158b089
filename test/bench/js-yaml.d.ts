// js-yaml comes with osls (not a direct dependency) and without types; only what the bench uses.
declare module 'js-yaml' {
  export class Type {
    constructor(
      tag: string,
      options: { kind: 'scalar' | 'sequence' | 'mapping'; construct?: (data: unknown) => unknown },
    );
  }
  export interface Schema {
    extend(types: Type[]): Schema;
  }
  export const DEFAULT_SCHEMA: Schema;
  export function load(text: string, options?: { schema?: Schema; filename?: string }): unknown;
}
