/*
 * Next runs register() once when the server starts: the start-up checks of lib/startup.ts.
 */
export async function register(): Promise<void> {
  // NEXT_RUNTIME is Next's build-time constant, not configuration: the Node-only modules stay out of the edge bundle.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { checkAtStart } = await import("@/lib/startup");
  checkAtStart();
}
