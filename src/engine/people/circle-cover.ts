/**
 * The crowd question (MEM 2023 人员聚集): the most points one circle of radius r can cover. Some
 * best circle has a point on its rim (slide any covering circle until one touches it), so for each
 * point p the circles of radius r through p are swept by the angle of their centre: a neighbour q
 * at distance d ≤ 2r is inside for centre angles within acos(d / 2r) of the direction p→q. A
 * spatial grid of 2r cells yields the neighbours; O(n·k log k) for k neighbours, not O(n³) circles.
 */
export interface Cover {
  /** The most points inside one closed circle of the radius. */
  readonly count: number;
  /** Indices (into the input) of the points of one best circle. */
  readonly members: readonly number[];
  /** Its centre (NaN for no points). */
  readonly cx: number;
  readonly cy: number;
}

const TWO_PI = 2 * Math.PI;
/** Relative slack on distances, so a point exactly on the rim counts despite rounding. */
const SLACK = 1e-9;

/** Points bucketed by cells of a side; cell keys are integers relative to the cloud's corner. */
class Grid {
  private readonly cells = new Map<number, number[]>();
  private readonly minX: number;
  private readonly minY: number;
  private readonly rows: number;

  constructor(
    private readonly xs: ArrayLike<number>,
    private readonly ys: ArrayLike<number>,
    private readonly side: number,
  ) {
    let minX = Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < xs.length; i++) {
      minX = Math.min(minX, xs[i] as number);
      minY = Math.min(minY, ys[i] as number);
      maxY = Math.max(maxY, ys[i] as number);
    }
    this.minX = minX;
    this.minY = minY;
    this.rows = Math.floor((maxY - minY) / side) + 1;
    for (let i = 0; i < xs.length; i++) {
      const key = this.col(xs[i] as number) * this.rows + this.row(ys[i] as number);
      const cell = this.cells.get(key);
      if (cell === undefined) this.cells.set(key, [i]);
      else cell.push(i);
    }
  }

  private col(x: number): number {
    return Math.floor((x - this.minX) / this.side);
  }

  private row(y: number): number {
    return Math.floor((y - this.minY) / this.side);
  }

  /** Calls `visit` with every point in the 3×3 cells around (x, y): all points within `side` of it, and some more. */
  around(x: number, y: number, visit: (j: number) => void): void {
    const c = this.col(x);
    const r = this.row(y);
    for (let dc = -1; dc <= 1; dc++) {
      for (let dr = -1; dr <= 1; dr++) {
        if (r + dr < 0 || r + dr >= this.rows) continue;
        const cell = this.cells.get((c + dc) * this.rows + r + dr);
        if (cell !== undefined) for (const j of cell) visit(j);
      }
    }
  }
}

/** Working arrays reused across anchors (one allocation per call, sized to the cloud). */
interface Sweep {
  readonly enters: Float64Array;
  readonly exits: Float64Array;
}

/** The most points (xs[i], ys[i]) inside one circle of radius r > 0, and which. */
export function maxCircleCover(xs: ArrayLike<number>, ys: ArrayLike<number>, r: number): Cover {
  const n = xs.length;
  if (n === 0 || !(r > 0)) return { count: Math.min(n, 1), members: n === 0 ? [] : [0], cx: n === 0 ? NaN : (xs[0] as number), cy: n === 0 ? NaN : (ys[0] as number) };
  const grid = new Grid(xs, ys, 2 * r);
  const sweep: Sweep = { enters: new Float64Array(n), exits: new Float64Array(n) };
  const reach2 = 4 * r * r * (1 + SLACK);
  let best = 0;
  let bestAnchor = 0;
  let bestAngle = 0;
  const near: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = xs[i] as number;
    const y = ys[i] as number;
    near.length = 0;
    grid.around(x, y, (j) => {
      if (j === i) return;
      const dx = (xs[j] as number) - x;
      const dy = (ys[j] as number) - y;
      if (dx * dx + dy * dy <= reach2) near.push(j);
    });
    // Pruning keeps the answer exact: this anchor cannot beat the best with all its neighbours.
    if (near.length + 1 <= best) continue;
    const [count, angle] = sweepAround(xs, ys, i, near, r, sweep);
    if (count > best) {
      best = count;
      bestAnchor = i;
      bestAngle = angle;
    }
  }
  const cx = (xs[bestAnchor] as number) + r * Math.cos(bestAngle);
  const cy = (ys[bestAnchor] as number) + r * Math.sin(bestAngle);
  return { count: best, members: inside(xs, ys, grid, cx, cy, r), cx, cy };
}

/** Points covered by the best circle through anchor i: [count, centre angle]. */
function sweepAround(xs: ArrayLike<number>, ys: ArrayLike<number>, i: number, near: readonly number[], r: number, sweep: Sweep): [number, number] {
  const { enters, exits } = sweep;
  const x = xs[i] as number;
  const y = ys[i] as number;
  let m = 0;
  let always = 1; // the anchor, and any point on top of it
  let wrapping = 0;
  for (const j of near) {
    const dx = (xs[j] as number) - x;
    const dy = (ys[j] as number) - y;
    const d = Math.sqrt(dx * dx + dy * dy);
    if (d <= r * SLACK) {
      always++;
      continue;
    }
    const half = Math.acos(Math.min(1, d / (2 * r)));
    let start = Math.atan2(dy, dx) - half;
    if (start < 0) start += TWO_PI;
    let end = start + 2 * half;
    // An arc across angle 0 is in force at the start of the sweep, ends at end−2π and begins again at start.
    if (end >= TWO_PI) {
      wrapping++;
      end -= TWO_PI;
    }
    enters[m] = start;
    exits[m] = end;
    m++;
  }
  const starts = enters.subarray(0, m).sort();
  const ends = exits.subarray(0, m).sort();
  let open = wrapping;
  let most = wrapping;
  let angle = 0;
  for (let a = 0, b = 0; a < m; ) {
    // At equal angles an arc begins before another ends: circles touching both cover both.
    if (b >= m || (starts[a] as number) <= (ends[b] as number)) {
      open++;
      if (open > most) {
        most = open;
        angle = starts[a] as number;
      }
      a++;
    } else {
      open--;
      b++;
    }
  }
  return [most + always, angle];
}

function inside(xs: ArrayLike<number>, ys: ArrayLike<number>, grid: Grid, cx: number, cy: number, r: number): number[] {
  const members: number[] = [];
  const limit = r * r * (1 + 4 * SLACK) + 1e-12;
  grid.around(cx, cy, (j) => {
    const dx = (xs[j] as number) - cx;
    const dy = (ys[j] as number) - cy;
    if (dx * dx + dy * dy <= limit) members.push(j);
  });
  return members.sort((a, b) => a - b);
}
