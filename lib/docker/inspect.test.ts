import { describe, expect, it } from "vitest";
import { containerFromInspect, containerFromListEntry, humanDuration, imageFromInspect, imageFromListEntry } from "@/lib/docker/snapshot";
import recorded from "@/lib/docker/__fixtures__/inspect-answers.json";

/** Status strings name durations, which move between the two calls: compare them without. */
function withoutDuration(status: string): string {
  return status.replace(/(Less than a second|About an? \w+|\d+ \w+)/, "<time>");
}

describe("inspect answers mapped onto the list's records (recorded from a Docker 20.10 daemon)", () => {
  it.each(recorded.containers.map((entry) => [entry.list.State, entry] as const))("a %s container", (_state, entry) => {
    const listed = containerFromListEntry(entry.list);
    const { record, configImage } = containerFromInspect(entry.inspect, recorded.recordedAt);
    // The list shows the creation reference while it names the container's image, else the image ID.
    expect([configImage, record.imageId]).toContain(listed.image);
    expect({ ...record, image: listed.image, status: withoutDuration(record.status) }).toEqual({ ...listed, status: withoutDuration(listed.status) });
  });

  it.each(recorded.images.map((entry, position) => [position, entry] as const))("image %i", (_position, entry) => {
    expect(imageFromInspect(entry.inspect)).toEqual(imageFromListEntry(entry.list));
  });
});

describe("humanDuration, as docker/go-units prints it", () => {
  it.each([
    [400, "Less than a second"],
    [1_000, "1 second"],
    [59_000, "59 seconds"],
    [60_000, "About a minute"],
    [150_000, "2 minutes"],
    [3_600_000, "About an hour"],
    [5 * 3_600_000, "5 hours"],
    [3 * 86_400_000, "3 days"],
    [20 * 86_400_000, "2 weeks"],
    [90 * 86_400_000, "3 months"],
    [800 * 86_400_000, "2 years"],
  ])("%i ms is %s", (ms, words) => {
    expect(humanDuration(ms)).toBe(words);
  });
});
