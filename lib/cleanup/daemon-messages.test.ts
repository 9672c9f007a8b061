import { describe, expect, it } from "vitest";
import type { HostSnapshot } from "@/lib/docker/types";
import {
  compareWithDaemonAnswer,
  daemonMessageFor,
  isSingleReference,
  matchesDaemonMessage,
  predictContainerRemovalByName,
  predictImageRemovalByName,
} from "@/lib/cleanup/daemon-messages";
import { indexHost, normalizeReference, resolveTarget } from "@/lib/cleanup/targets";
import type { NormalizedReference } from "@/lib/cleanup/targets";
import { containerByName, imageByTag, loadFixture } from "@/lib/cleanup/__fixtures__/fixture";
import type { CleanupFixture } from "@/lib/cleanup/__fixtures__/fixture";

const scenarios = loadFixture("scenarios-walk.json.gz");
const random = loadFixture("random-walk-7.json.gz");
const seeded = scenarios.states[0]!.snapshot;
const seededIndex = indexHost(seeded);
const short = (id: string) => id.replace(/^sha256:/, "").slice(0, 12);

function messageFor(snapshot: HostSnapshot, input: string): string | null {
  const index = indexHost(snapshot);
  return daemonMessageFor(index, resolveTarget(index, input));
}

describe("every answer the real daemon gave, replayed", () => {
  const replay = (fixture: CleanupFixture) => {
    const results = fixture.states.flatMap((state) => {
      const index = indexHost(state.snapshot);
      const imageIds = new Set(state.snapshot.images.map((image) => image.id));
      return state.answers.map((recorded) => {
        const options = { force: recorded.force };
        const prediction =
          recorded.removal === "image" ? predictImageRemovalByName(index, recorded.name, options) : predictContainerRemovalByName(index, recorded.name, options);
        return { state: state.label, name: recorded.name, ...compareWithDaemonAnswer(prediction, recorded.answer, imageIds) };
      });
    });
    return { results, disagreements: results.filter((result) => !result.agrees) };
  };

  it("agrees with all of them on the seeded scenarios, refusals word for word and removals by what went", () => {
    const { results, disagreements } = replay(scenarios);
    expect(results.length).toBeGreaterThan(900);
    expect(disagreements).toEqual([]);
  });

  it("agrees with all of them on a random host", () => {
    const { results, disagreements } = replay(random);
    expect(results.length).toBeGreaterThan(300);
    expect(disagreements).toEqual([]);
  });

  it("covers every conflict the daemon distinguishes and every kind of success", () => {
    const messages = [...scenarios.states, ...random.states].flatMap((state) => state.answers.map((recorded) => recorded.answer.message ?? "ok"));
    for (const form of [
      /has dependent child images$/,
      /image is being used by running container [0-9a-f]{12}$/,
      /image is being used by stopped container [0-9a-f]{12}$/,
      /image is referenced in multiple repositories$/,
      /^conflict: unable to remove repository reference ".+" \(must force\)/,
      /^You cannot remove a running container/,
      /^You cannot remove a paused container/,
      /^You cannot remove a restarting container/,
      /^No such image: /,
      /^No such container: /,
      /^Multiple IDs found with provided prefix: /,
      /^ok$/,
    ]) {
      expect(messages.some((message) => form.test(message)), String(form)).toBe(true);
    }
  });
});

describe("removing a container", () => {
  it("refuses a running container with its full ID", () => {
    const web = containerByName(seeded, "shop-web-1");
    expect(messageFor(seeded, "shop-web-1")).toBe(
      `You cannot remove a running container ${web.id}. Stop the container before attempting removal or force remove`,
    );
  });

  it("asks to unpause a paused container first", () => {
    const cache = containerByName(seeded, "shop-cache-1");
    expect(messageFor(seeded, "/shop-cache-1")).toBe(
      `You cannot remove a paused container ${cache.id}. Unpause and then stop the container before attempting removal or force remove`,
    );
  });

  it("calls a restarting container restarting (the rules note said running; the daemon says restarting)", () => {
    const restless = containerByName(seeded, "restless_hawking");
    expect(messageFor(seeded, "restless_hawking")).toBe(
      `You cannot remove a restarting container ${restless.id}. Stop the container before attempting removal or force remove`,
    );
  });

  it("removes created, exited and dead containers", () => {
    for (const name of ["eager_turing", "hungry_hopper", "sad_morse"]) expect(messageFor(seeded, name), name).toBeNull();
  });

  it("refuses a container the daemon is already removing, naming it as given", () => {
    const removing = withContainerState(seeded, "quirky_noether", "removing");
    expect(messageFor(removing, "quirky_noether")).toBe("removal of container quirky_noether is already in progress");
  });

  it("answers unknown names and ambiguous prefixes as the daemon does", () => {
    expect(predictContainerRemovalByName(seededIndex, "nobody-here")).toMatchObject({ status: 404, message: "No such container: nobody-here" });
    const prefix = "0123456789abcdef".split("").find((digit) => seeded.containers.filter((container) => container.id.startsWith(digit)).length > 1);
    expect(prefix).toBeDefined();
    expect(predictContainerRemovalByName(seededIndex, prefix!)).toMatchObject({ status: 500, message: `Multiple IDs found with provided prefix: ${prefix}` });
    const unique = containerByName(seeded, "hungry_hopper").id.slice(0, 12);
    expect(predictContainerRemovalByName(seededIndex, unique)).toEqual({ outcome: "removed" });
  });
});

describe("removing an image by reference", () => {
  it("refuses the only reference of an image a container uses, quoting the reference as given", () => {
    const hello = imageByTag(seeded, "hello-world:latest");
    const hopper = containerByName(seeded, "hungry_hopper");
    expect(messageFor(seeded, "hello-world:latest")).toBe(
      `conflict: unable to remove repository reference "hello-world:latest" (must force) - container ${short(hopper.id)} is using its referenced image ${short(hello.id)}`,
    );
    expect(messageFor(seeded, "docker.io/library/hello-world")).toBe(
      `conflict: unable to remove repository reference "docker.io/library/hello-world" (must force) - container ${short(hopper.id)} is using its referenced image ${short(hello.id)}`,
    );
  });

  it("refuses it for a running container too, before looking at children", () => {
    const base = imageByTag(seeded, "app/base:1.0");
    const runner = containerByName(seeded, "base-runner");
    expect(messageFor(seeded, "app/base:1.0")).toBe(
      `conflict: unable to remove repository reference "app/base:1.0" (must force) - container ${short(runner.id)} is using its referenced image ${short(base.id)}`,
    );
  });

  it("names any one of several containers using the image", () => {
    const cruncher = imageByTag(seeded, "tools/cruncher:0.9");
    const prediction = predictImageRemovalByName(seededIndex, "tools/cruncher:0.9");
    const users = seeded.containers.filter((container) => container.imageId === cruncher.id);
    expect(users.length).toBe(3);
    expect(prediction).toMatchObject({ outcome: "refused", conflict: "repository-reference" });
    for (const user of users) {
      const actual = `conflict: unable to remove repository reference "tools/cruncher:0.9" (must force) - container ${short(user.id)} is using its referenced image ${short(cruncher.id)}`;
      expect(matchesDaemonMessage(prediction, actual), user.name).toBe(true);
    }
    expect(matchesDaemonMessage(prediction, prediction.outcome === "refused" ? prediction.message.replace(/container [0-9a-f]{12}/, "container 000000000000") : "")).toBe(false);
  });

  it("only untags while other references remain, even with containers", () => {
    expect(predictImageRemovalByName(seededIndex, "ubuntu:trusty")).toEqual({ outcome: "untagged", untagged: ["ubuntu:trusty"] });
    expect(predictImageRemovalByName(seededIndex, "app/service:stable")).toEqual({ outcome: "untagged", untagged: ["app/service:stable"] });
    expect(messageFor(seeded, "ubuntu")).toBeNull();
  });

  it("keeps an image with children as an untagged parent when its last reference goes", () => {
    const afterHopper = scenarios.states.find((state) => state.label === "docker rm hungry_hopper")!.snapshot;
    expect(predictImageRemovalByName(indexHost(afterHopper), "hello-world:latest")).toEqual({ outcome: "untagged", untagged: ["hello-world:latest"] });
  });

  it("deletes an unused image with its last reference, and prunes its untagged parents", () => {
    const api = imageByTag(seeded, "acme/api:dev");
    const prediction = predictImageRemovalByName(seededIndex, "acme/api:dev");
    expect(prediction.outcome).toBe("deleted");
    if (prediction.outcome !== "deleted") return;
    expect(prediction.untagged).toEqual(["acme/api:dev"]);
    expect(prediction.deleted[0]).toBe(api.id);
    // The chain up to the first parent that something else keeps (here the shared base with many children).
    expect(prediction.deleted.slice(1)).toEqual([api.parentId, seededIndex.imagesById.get(api.parentId!)!.parentId]);
  });

  it("answers an unknown reference with the implied tag", () => {
    expect(predictImageRemovalByName(seededIndex, "ubuntu:nope")).toMatchObject({ status: 404, message: "No such image: ubuntu:nope" });
    expect(predictImageRemovalByName(seededIndex, "never-seeded")).toMatchObject({ status: 404, message: "No such image: never-seeded:latest" });
  });
});

describe("removing an image by ID", () => {
  it("reports dependent children first, even with a running container", () => {
    const base = imageByTag(seeded, "app/base:1.0");
    expect(messageFor(seeded, base.id)).toBe(`conflict: unable to delete ${short(base.id)} (cannot be forced) - image has dependent child images`);
  });

  it("reports a running container before several references", () => {
    const web = imageByTag(seeded, "shop/web:1.4.2");
    const running = containerByName(seeded, "shop-web-1");
    expect(web.repoTags.length).toBe(2);
    expect(messageFor(seeded, short(web.id))).toBe(
      `conflict: unable to delete ${short(web.id)} (cannot be forced) - image is being used by running container ${short(running.id)}`,
    );
  });

  it("counts paused and restarting containers as running", () => {
    const cache = imageByTag(seeded, "shop/cache:7.2");
    const paused = containerByName(seeded, "shop-cache-1");
    expect(messageFor(seeded, `sha256:${short(cache.id)}`)).toBe(
      `conflict: unable to delete ${short(cache.id)} (cannot be forced) - image is being used by running container ${short(paused.id)}`,
    );
    const cruncher = imageByTag(seeded, "tools/cruncher:0.9");
    const restless = containerByName(seeded, "restless_hawking");
    expect(messageFor(seeded, cruncher.id)).toBe(
      `conflict: unable to delete ${short(cruncher.id)} (cannot be forced) - image is being used by running container ${short(restless.id)}`,
    );
  });

  it("reports several references before stopped containers", () => {
    const ubuntu = imageByTag(seeded, "ubuntu:14.04");
    expect(messageFor(seeded, ubuntu.id)).toBe(`conflict: unable to delete ${short(ubuntu.id)} (must be forced) - image is referenced in multiple repositories`);
  });

  it("reports a stopped container of an image with one tag, naming any of them", () => {
    const webapp = imageByTag(seeded, "training/webapp:latest");
    const prediction = predictImageRemovalByName(seededIndex, webapp.id);
    expect(prediction).toMatchObject({ outcome: "refused", conflict: "stopped-container" });
    for (const name of ["drunk_feynman", "backstabbing_ritchie"]) {
      const actual = `conflict: unable to delete ${short(webapp.id)} (must be forced) - image is being used by stopped container ${short(containerByName(seeded, name).id)}`;
      expect(matchesDaemonMessage(prediction, actual), name).toBe(true);
    }
  });

  it("counts created and dead containers as stopped", () => {
    const worker = imageByTag(seeded, "acme/worker:2.1");
    expect(messageFor(seeded, worker.id)).toBe(
      `conflict: unable to delete ${short(worker.id)} (must be forced) - image is being used by stopped container ${short(containerByName(seeded, "eager_turing").id)}`,
    );
    const afterStop = withContainerState(withContainerState(seeded, "restless_hawking", "exited"), "quirky_noether", "dead");
    const cruncher = imageByTag(seeded, "tools/cruncher:0.9");
    expect(predictImageRemovalByName(indexHost(afterStop), cruncher.id)).toMatchObject({ conflict: "stopped-container" });
  });

  it("deletes an unused image with one tag, taking the tag and its untagged parents", () => {
    const saucy = imageByTag(seeded, "ubuntu:13.10");
    const prediction = predictImageRemovalByName(seededIndex, saucy.id);
    expect(prediction).toMatchObject({ outcome: "deleted", untagged: ["ubuntu:13.10"] });
  });

  it("answers a force-removed image's ID with No such image", () => {
    const orphan = containerByName(seeded, "jolly_lamarr");
    expect(messageFor(seeded, `image:${orphan.imageId}`)).toBe(`No such image: ${orphan.imageId}`);
    expect(predictImageRemovalByName(seededIndex, orphan.imageId.replace("sha256:", ""))).toMatchObject({ status: 404, message: `No such image: ${orphan.imageId}` });
  });

  it("answers an ambiguous ID prefix with No such image, as the daemon does", () => {
    const prefix = "0123456789abcdef".split("").find((digit) => seeded.images.filter((image) => image.id.startsWith(`sha256:${digit}`)).length > 1)!;
    expect(predictImageRemovalByName(seededIndex, prefix)).toMatchObject({ status: 404, message: `No such image: ${prefix}:latest` });
    expect(predictImageRemovalByName(seededIndex, `sha256:${prefix}`)).toMatchObject({ status: 404, message: `No such image: sha256:${prefix}` });
  });
});

describe("forced removals (what force would do; dockgraph never forces unasked)", () => {
  it("still refuses children and running containers", () => {
    const base = imageByTag(seeded, "app/base:1.0");
    expect(predictImageRemovalByName(seededIndex, base.id, { force: true })).toMatchObject({ conflict: "child-images" });
    const web = imageByTag(seeded, "shop/web:1.4.2");
    expect(predictImageRemovalByName(seededIndex, web.id, { force: true })).toMatchObject({ conflict: "running-container" });
  });

  it("deletes past stopped containers and several tags, taking every tag", () => {
    const ubuntu = imageByTag(seeded, "ubuntu:14.04");
    const prediction = predictImageRemovalByName(seededIndex, ubuntu.id, { force: true });
    expect(prediction).toMatchObject({ outcome: "deleted" });
    if (prediction.outcome === "deleted") expect([...prediction.untagged].sort()).toEqual([...ubuntu.repoTags].sort());
  });

  it("only untags the last reference of an image a running container uses", () => {
    expect(predictImageRemovalByName(seededIndex, "shop/cache:7.2", { force: true })).toEqual({ outcome: "untagged", untagged: ["shop/cache:7.2"] });
  });
});

describe("digest references (moby's rules; this sandbox has no registry to make digests with)", () => {
  const digest = (character: string) => `sha256:${character.repeat(64)}`;
  const withDigests = (tag: string, digests: string[]) => ({
    ...seeded,
    images: seeded.images.map((image) => (image.repoTags.includes(tag) ? { ...image, repoDigests: digests } : image)),
  });

  it("counts one tag plus digests of its repository as a single reference", () => {
    const refs = (values: string[]) => values.map((value) => normalizeReference(value)).filter((value): value is NormalizedReference => value !== null);
    expect(isSingleReference(refs(["ubuntu:13.10", `ubuntu@${digest("a")}`, `ubuntu@${digest("b")}`]))).toBe(true);
    expect(isSingleReference(refs([`ubuntu@${digest("a")}`, `ubuntu@${digest("b")}`]))).toBe(true);
    expect(isSingleReference(refs(["ubuntu:13.10", `debian@${digest("a")}`]))).toBe(false);
    expect(isSingleReference(refs(["ubuntu:13.10", "ubuntu:saucy"]))).toBe(false);
    expect(isSingleReference(refs([]))).toBe(false);
  });

  it("removes the repository's digests with its last tag", () => {
    const host = indexHost(withDigests("ubuntu:13.10", [`ubuntu@${digest("a")}`]));
    const saucy = imageByTag(seeded, "ubuntu:13.10");
    expect(predictImageRemovalByName(host, "ubuntu:13.10")).toMatchObject({
      outcome: "deleted",
      untagged: ["ubuntu:13.10", `ubuntu@${digest("a")}`],
      deleted: expect.arrayContaining([saucy.id]),
    });
  });

  it("only untags a digest while a tag remains", () => {
    const host = indexHost(withDigests("ubuntu:13.10", [`ubuntu@${digest("a")}`]));
    expect(predictImageRemovalByName(host, `ubuntu@${digest("a")}`)).toEqual({ outcome: "untagged", untagged: [`ubuntu@${digest("a")}`] });
  });

  it("refuses by ID a tag beside another repository's digest", () => {
    const host = indexHost(withDigests("ubuntu:13.10", [`debian@${digest("a")}`]));
    const saucy = imageByTag(seeded, "ubuntu:13.10");
    expect(predictImageRemovalByName(host, saucy.id)).toMatchObject({ conflict: "multiple-references" });
  });
});

function withContainerState(snapshot: HostSnapshot, name: string, state: HostSnapshot["containers"][number]["state"]): HostSnapshot {
  return { ...snapshot, containers: snapshot.containers.map((container) => (container.name === name ? { ...container, state } : container)) };
}
