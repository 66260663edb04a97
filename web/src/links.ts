/** Where each kind of record has its page in the console. */
export const personHref = (id: string) => `#/people/${encodeURIComponent(id)}`;
export const deviceHref = (id: string) => `#/devices/${encodeURIComponent(id)}`;
export const mandateHref = (id: string) => `#/mandates/${encodeURIComponent(id)}`;
export const exemptionHref = (id: number) => `#/exemptions?open=${id}`;
export const orderHref = (id: number) => `#/logistics?order=${id}`;
