import { Dashboard } from "@/components/dashboard/dashboard";
import { getConfig } from "@/lib/config";

export const dynamic = "force-dynamic";

/** The server hands the page its token (for changes) and mode; the browser never reads them from anywhere else. */
export default function HomePage() {
  const config = getConfig();
  return <Dashboard token={config.token} readOnly={config.readOnly} />;
}
