/*
 * Next runs register() once when the server starts: the start-up checks of lib/startup.ts (a bad configuration stops
 * the process), then the steps a crash interrupted (an audit intent without an outcome) are checked against the daemon
 * and reported.
 */
export async function register(): Promise<void> {
  // NEXT_RUNTIME is Next's build-time constant, not configuration: the Node-only modules stay out of the edge bundle.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { checkAtStart } = await import("@/lib/startup");
  checkAtStart();
  const { reconcileUnfinishedSteps } = await import("@/lib/audit/reconcile");
  await reconcileUnfinishedSteps();
}
