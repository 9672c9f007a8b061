import path from "node:path";
import { BASE_STEPS, LONG_RUNNING, prepareBuildContext } from "@/scripts/sandbox/build-context";
import { buildImage, docker } from "@/scripts/sandbox/seed";

/**
 * Cases the seeded scenarios lack, added on top of them: a grandchild with two tags, a running container
 * on an image in two repositories, a running container on an image with children, 0-byte and absent
 * layers (a RUN that changes nothing, a WORKDIR that creates a folder, `rm`, an unchanged commit), and
 * an untagged leaf image.
 */
export async function addCleanupCases(dockerHost: string, sandboxDir: string): Promise<void> {
  const context = prepareBuildContext(path.join(sandboxDir, "build"));
  await docker(dockerHost, ["tag", "app/service:1.0", "app/service:stable"]);
  await docker(dockerHost, ["tag", "shop/web:1.4.2", "registry.example.com:5000/shop/web:1.4.2"]);
  await docker(dockerHost, ["run", "-d", "--name", "base-runner", "app/base:1.0", ...LONG_RUNNING]);
  await buildImage(
    dockerHost,
    context,
    ["FROM hello-world:latest", "RUN true", "WORKDIR /new/dir", "RUN head -c 5000 /dev/urandom > /x.bin", "RUN mkdir /empty", "RUN rm /hello.txt", "ENV A=1"],
    ["probe/edge:1"],
  );
  const container = await docker(dockerHost, ["create", "probe/edge:1"]);
  await docker(dockerHost, ["commit", container, "probe/commit-empty:1"]);
  await docker(dockerHost, ["rm", container]);
  await buildImage(dockerHost, context, [...BASE_STEPS, "RUN head -c 3000 /dev/urandom > /solo.bin"], []);
}
