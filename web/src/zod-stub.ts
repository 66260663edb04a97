/**
 * The console's stand-in for zod. The console takes from the shared contract (`src/contract`)
 * only what an operation is — its method and path — and its types, which the type checker reads
 * from the real zod; the schemas validate on the server. Building them in the browser would only
 * add zod to every page's download, so here every schema call answers an inert schema.
 */
type Inert = ((...args: unknown[]) => Inert) & { readonly [key: string]: Inert };

const inert: Inert = new Proxy(function inertSchema() {} as unknown as Inert, {
  get: (_target, key) => (key === Symbol.toPrimitive ? () => '' : inert),
  apply: () => inert,
});

export const z = inert;
export default inert;
