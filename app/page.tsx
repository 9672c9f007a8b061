import { headers } from "next/headers";
import { Dashboard } from "@/components/dashboard/dashboard";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { tokenForPage } from "@/lib/http/guard";

export const dynamic = "force-dynamic";

/** The server hands the page its token (for changes) and mode; the browser never reads them from anywhere else. */
export default async function HomePage() {
  const config = getConfig();
  const token = tokenForPage(await headers(), config);
  // The proxy already sent the login page to a remote reader without a session; this only holds if it did not.
  if (token === null) throw new AppError("unauthorized", "Sign in at /login first.");
  return <Dashboard token={token} readOnly={config.readOnly} />;
}
