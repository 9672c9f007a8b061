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
    expect(clippedLine(edge, { left: -10, top: 0, right: 100, bottom: 100 })).toBe(edge);
    expect(clippedCubic(edge, { left: -10, top: 0, right: 100, bottom: 100 })).toEqual(edgeCubic(edge));
  });

  it("drops an edge wholly above or below the rows", () => {
    expect(clippedLine({ x1: 0, y1: 10, x2: 5, y2: 20 }, { left: -100, top: 30, right: 100, bottom: 40 })).toBeNull();
    expect(clippedCubic({ x1: 0, y1: 50, x2: 5, y2: 60 }, { left: -100, top: 30, right: 100, bottom: 40 })).toBeNull();
  });

  it("cuts a long line to the box, along the same line", () => {
    expect(clippedLine({ x1: 0, y1: 0, x2: 100, y2: 1_000 }, { left: -10, top: 400, right: 200, bottom: 500 })).toEqual({ x1: 40, y1: 400, x2: 50, y2: 500 });
    expect(clippedLine({ x1: 0, y1: 0, x2: 100, y2: 1_000 }, { left: 45, top: 400, right: 200, bottom: 500 })).toEqual({ x1: 45, y1: 450, x2: 50, y2: 500 });
    expect(clippedLine({ x1: 0, y1: 0, x2: 100, y2: 1_000 }, { left: 60, top: 400, right: 200, bottom: 500 })).toBeNull();
  });

  it("cuts a long cubic to a piece on the same curve that spans the rows (a box as wide as the edge)", () => {
    fc.assert(
      fc.property(coordinate, coordinate, coordinate, coordinate, coordinate, fc.double({ min: 1, max: 2_000, noNaN: true }), (x1, y1, x2, y2, top, height) => {
        const edge = { x1, y1, x2, y2 };
        const piece = clippedCubic(edge, { left: Math.min(x1, x2), top, right: Math.max(x1, x2), bottom: top + height });
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

  it("keeps of a cubic only what is inside a box, and a piece whenever some of it is inside", () => {
    fc.assert(
      fc.property(coordinate, coordinate, coordinate, coordinate, coordinate, coordinate, fc.double({ min: 1, max: 5_000, noNaN: true }), fc.double({ min: 1, max: 5_000, noNaN: true }), (x1, y1, x2, y2, left, top, width, height) => {
        const edge = { x1, y1, x2, y2 };
        const box = { left, top, right: left + width, bottom: top + height };
        const piece = clippedCubic(edge, box);
        const slack = 1e-3 * Math.max(1, Math.hypot(x2 - x1, y2 - y1));
        const within = (margin: number) => ([x, y]: [number, number]) => x >= box.left - margin && x <= box.right + margin && y >= box.top - margin && y <= box.bottom + margin;
        const whole = edgeCubic(edge);
        const wholeInside = Array.from({ length: 201 }, (_, step) => pointAt(whole, step / 200)).filter(within(-slack)).length;
        if (!piece) return wholeInside === 0;
        return Array.from({ length: 21 }, (_, step) => pointAt(piece, step / 20)).every(within(slack));
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
