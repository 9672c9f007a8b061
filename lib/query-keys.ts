/** Every query key starts at ["docker"], so one invalidation refreshes all that a daemon event may have changed. */
export const queryKeys = {
  all: ["docker"] as const,
  health: () => [...queryKeys.all, "health"] as const,
  graph: () => [...queryKeys.all, "graph"] as const,
  /** Every blockers answer (the prefix of each target's key). */
  allBlockers: () => [...queryKeys.all, "blockers"] as const,
  blockers: (target: string) => [...queryKeys.allBlockers(), target] as const,
  sizes: () => [...queryKeys.all, "sizes"] as const,
  disk: () => [...queryKeys.all, "disk"] as const,
};
