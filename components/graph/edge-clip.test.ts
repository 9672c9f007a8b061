import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clippedCubic, clippedLine, cubicPiece, edgeCubic, type Cubic } from "@/components/graph/edge-clip";

function pointAt(curve: Cubic, t: number): [number, number] {
  const u = 1 - t;
  const weights = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
  return [0, 1].map((axis) => curve.reduce((sum, point, index) => sum + (weights[index] ?? 0) * (point[axis] ?? 0), 0)) as [number, number];
}

const coordinate = fc.double({ min: -20_000, max: 20_000, noNaN: true });

describe("edge clipping", () => {
  it("keeps an edge inside the rows as it is", () => {
    const edge = { x1: 0, y1: 10, x2: 50, y2: 90 };
    expect(clippedLine(edge, 0, 100)).toBe(edge);
    expect(clippedCubic(edge, 0, 100)).toEqual(edgeCubic(edge));
  });

  it("drops an edge wholly above or below the rows", () => {
    expect(clippedLine({ x1: 0, y1: 10, x2: 5, y2: 20 }, 30, 40)).toBeNull();
    expect(clippedCubic({ x1: 0, y1: 50, x2: 5, y2: 60 }, 30, 40)).toBeNull();
  });

  it("cuts a long line to the rows, along the same line", () => {
    expect(clippedLine({ x1: 0, y1: 0, x2: 100, y2: 1_000 }, 400, 500)).toEqual({ x1: 40, y1: 400, x2: 50, y2: 500 });
  });

  it("cuts a long cubic to a piece on the same curve that spans the rows", () => {
    fc.assert(
      fc.property(coordinate, coordinate, coordinate, coordinate, coordinate, fc.double({ min: 1, max: 2_000, noNaN: true }), (x1, y1, x2, y2, top, height) => {
        const edge = { x1, y1, x2, y2 };
        const piece = clippedCubic(edge, top, top + height);
        const [low, high] = [Math.min(y1, y2), Math.max(y1, y2)];
        if (high < top || low > top + height) return piece === null;
        if (!piece) return false;
        const ys = [piece[0][1], piece[3][1]].sort((a, b) => a - b);
        const tolerance = 1e-6 * Math.max(1, Math.abs(y2 - y1));
        const spansRows = Math.abs((ys[0] ?? 0) - Math.max(low, top)) <= tolerance && Math.abs((ys[1] ?? 0) - Math.min(high, top + height)) <= tolerance;
        // The piece's midpoint lies on the whole curve: same geometry, only shorter.
        const whole = edgeCubic(edge);
        const middle = pointAt(piece, 0.5);
        let nearest = Infinity;
        for (let step = 0; step <= 2_000; step += 1) {
          const [x, y] = pointAt(whole, step / 2_000);
          nearest = Math.min(nearest, Math.hypot(x - middle[0], y - middle[1]));
        }
        return spansRows && nearest <= 1e-3 * Math.max(1, Math.hypot(x2 - x1, y2 - y1));
      }),
    );
  });

  it("takes the piece of a cubic between two parameters", () => {
    const curve: Cubic = [
      [0, 0],
      [0, 50],
      [100, 50],
      [100, 100],
    ];
    const piece = cubicPiece(curve, 0.25, 0.75);
    for (const s of [0, 0.3, 0.5, 1]) {
      const [x, y] = pointAt(piece, s);
      const [wx, wy] = pointAt(curve, 0.25 + 0.5 * s);
      expect(x).toBeCloseTo(wx, 9);
      expect(y).toBeCloseTo(wy, 9);
    }
  });
});
