import { createContext, useContext } from 'react';
import type { Permission } from '../../src/domain/access.policy.js';
import type { Me } from './api.js';

/** Who is signed in, for the pages below the shell: what they may do comes from the server. */
export const MeContext = createContext<Me | null>(null);

/** Whether the signed-in account may do something (`capabilities` of `/auth/me`). */
export function useCan(): (p: Permission) => boolean {
  const me = useContext(MeContext);
  return (p) => me?.capabilities.includes(p) ?? false;
}

/** The signed-in account, or null before sign-in. */
export function useMe(): Me | null {
  return useContext(MeContext);
}
