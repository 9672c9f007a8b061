/** Runs once when the server starts (Next.js instrumentation hook). */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Steps a crash interrupted (an audit intent without an outcome) are checked against the daemon and reported.
  const { reconcileUnfinishedSteps } = await import("@/lib/audit/reconcile");
  await reconcileUnfinishedSteps();
}
