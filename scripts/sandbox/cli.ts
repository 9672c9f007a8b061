import { sandboxStatus, startSandbox, stopSandbox, tailFile } from "./daemon";
import { resetHost, seedRandomHost, seedScenarios } from "./seed";

const USAGE = `Usage: tsx scripts/sandbox/cli.ts <command> [options]

Commands
  start                 start the sandbox dockerd (or reuse the running one) and print its DOCKER_HOST
  stop [--clean]        stop it (kills its containers first); --clean also deletes the sandbox folder
  status [--json]       is it running, where is its socket and log, what is on it
  seed [options]        start if needed, empty it, seed the scenarios and write seed-manifest.json
      --random <n>        seed a random host from PRNG seed <n> instead of the scenarios
      --restarting        also seed a restarting container (scenarios)
      --dead              also seed a dead container (scenarios)
  reset                 remove every container, image and volume of the sandbox
  logs [--lines <n>]    print the tail of the sandbox's dockerd log

Options
  --dir <path>          sandbox folder (default: $DOCKGRAPH_SANDBOX_DIR or <repo>/.sandbox)
`;

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index === -1) return undefined;
  const value = args[index + 1];
  if (value === undefined || value.startsWith("--")) throw new Error(`${name} needs a value`);
  return value;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const dir = option(args, "--dir");
  const log = (line: string) => console.error(line);
  switch (command) {
    case "start": {
      const info = await startSandbox({ dir, log });
      console.log(`export DOCKER_HOST=${info.dockerHost}`);
      return 0;
    }
    case "stop": {
      const report = await stopSandbox({ dir, clean: args.includes("--clean"), log });
      console.error(
        report.wasRunning || report.leftoversKilled.length > 0
          ? `sandbox stopped in ${report.durationMs} ms (${report.containersKilled} containers killed, dockerd ${report.dockerdSignal ?? "already gone"}${report.unmounted.length > 0 ? `, ${report.unmounted.length} mounts released` : ""})`
          : "sandbox was not running",
      );
      if (report.cleaned) console.error(`removed ${report.dir}`);
      return 0;
    }
    case "status": {
      const status = await sandboxStatus({ dir });
      if (args.includes("--json")) {
        console.log(JSON.stringify(status, null, 2));
      } else {
        console.log(`sandbox   ${status.dir}`);
        console.log(`running   ${status.running ? `yes (dockerd pid ${status.pid})` : "no"}`);
        console.log(`host      ${status.dockerHost}`);
        console.log(`log       ${status.logFile}`);
        if (status.engine) {
          console.log(`engine    Docker ${status.engine.version} (API ${status.engine.apiVersion}, ${status.engine.storageDriver})`);
          console.log(`contents  ${status.engine.images} images, ${status.engine.containers} containers`);
        }
        console.log(`seeded    ${status.seeded ? `yes (${status.manifestPath})` : "no"}`);
        if (status.processes.length > 0) console.log(`processes ${status.processes.map((p) => `${p.program}:${p.pid}`).join(" ")}`);
      }
      return status.running ? 0 : 3;
    }
    case "seed": {
      const info = await startSandbox({ dir, log });
      const random = option(args, "--random");
      const manifest =
        random !== undefined
          ? await seedRandomHost(info.dockerHost, Number(random), { log })
          : await seedScenarios(info.dockerHost, { log, restarting: args.includes("--restarting"), dead: args.includes("--dead") });
      console.error(`seeded: ${Object.keys(manifest.scenarios).join(", ")}`);
      console.log(`export DOCKER_HOST=${info.dockerHost}`);
      return 0;
    }
    case "reset": {
      const info = await startSandbox({ dir, log });
      await resetHost(info.dockerHost, { log });
      return 0;
    }
    case "logs": {
      const status = await sandboxStatus({ dir });
      console.log(tailFile(status.logFile, Number(option(args, "--lines") ?? 50)));
      return 0;
    }
    case undefined:
    case "help":
    case "--help":
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`Unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
