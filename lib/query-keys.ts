/** Every query key starts at ["docker"], so one invalidation refreshes all that a daemon event may have changed. */
export const queryKeys = {
  all: ["docker"] as const,
  health: () => [...queryKeys.all, "health"] as const,
  graph: () => [...queryKeys.all, "graph"] as const,
  blockers: (target: string) => [...queryKeys.all, "blockers", target] as const,
  sizes: () => [...queryKeys.all, "sizes"] as const,
  disk: () => [...queryKeys.all, "disk"] as const,
};
