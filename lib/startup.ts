import "server-only";
import { describeProblems, getConfig, startupProblems } from "@/lib/config";
import { issueLoginCode, loginMessage } from "@/lib/http/session-login";

/**
 * What the server does once at start (instrumentation.ts, also under a plain `next start`): a bad configuration
 * stops the process with its problems in words, and a server reachable from beyond its machine prints its one-time
 * login URL.
 */
export function checkAtStart(): void {
  const problems = startupProblems();
  if (problems.length > 0) {
    console.error(describeProblems(problems));
    process.exit(1);
  }
  const config = getConfig();
  if (config.remote) console.log(loginMessage(config, issueLoginCode(Date.now())));
}
