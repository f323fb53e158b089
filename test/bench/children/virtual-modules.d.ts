// Modules the bench generates per function when it bundles a child (see bundle.ts buildChild).
declare module 'bench:function' {
  export const handler: (event: unknown, context: unknown) => Promise<unknown>;
}

declare module 'bench:clients' {
  import type { MockableClient } from './simulated-aws.ts';
  export const clients: readonly MockableClient[];
}
