// Static ReDoS analysis of redact patterns: which patterns a backtracking engine (V8's) could
// spend exponential or polynomial time on. Static and budgeted: no pattern is ever run.
import { ANY, caseImage, intersectSets, isSubset, parseRegex, quantifierText, setHas, unionSets } from './regex-syntax';
import type { CharSet, RegexNode, RepeatNode } from './regex-syntax';

export type BacktrackingRisk =
  | { risk: 'none' }
  | { risk: 'exponential' | 'polynomial'; fragment: string; index: number; explanation: string; suggestion?: string };

// How the analysis works: the pattern becomes a position automaton (Glushkov) whose edges count
// how many distinct ways they can be taken. A backtracking matcher blows up exactly when that
// automaton is ambiguous on a loop: two different cycles through one state that read the same
// text give exponential time; a loop that can hand the same text to a later loop gives
// polynomial time. Both are searched for in product automata, within a work budget.
const UNROLL_LIMIT = 16; // {n,m} with m above this repeats often enough to treat as unbounded
const MAX_COPIES = 3; // copies of a bounded body that expose every overlap between copies
// Typical patterns use a few thousand units; the budget caps hostile ones at tens of milliseconds.
const WORK_BUDGET = 500_000;
const MAX_POSITIONS = 100_000;
const MAX_ANALYSED_LENGTH = 20_000;
const MAX_FACTOR_DEPTH = 64; // longest common prefix merged between alternatives

class OutOfBudget {}
interface Budget {
  left: number;
}
function spend(budget: Budget, n = 1): void {
  budget.left -= n;
  if (budget.left < 0) throw new OutOfBudget();
}

const isLoop = (n: RepeatNode): boolean => n.max === Infinity || n.max > UNROLL_LIMIT;

const PREFERRED = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ -._@';

/** Interns character sets (as case images under (?i)) and answers "is there a character in all of these". */
class SetTable {
  readonly list: CharSet[] = [];
  private readonly ids = new Map<string, number>(); // by content: every literal 'n' shares one id
  private readonly meets = new Map<number, number>();
  constructor(private readonly fold: boolean) {}

  id(raw: CharSet): number {
    const key = raw.join();
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.list.push(this.fold ? caseImage(raw) : raw) - 1;
      this.ids.set(key, id);
    }
    return id;
  }

  /** A representative code point present in all three sets (pass one id twice for two), or -1. */
  sample(x: number, y = x, z = y): number {
    // Hot path: sort without allocating, then pack (ids < 2^17, see MAX_POSITIONS) into one number.
    if (x > y) [x, y] = [y, x];
    if (y > z) [y, z] = [z, y];
    if (x > y) [x, y] = [y, x];
    const key = (x * 131072 + y) * 131072 + z;
    let cp = this.meets.get(key);
    if (cp === undefined) {
      cp = pickChar(intersectSets(intersectSets(this.list[x]!, this.list[y]!), this.list[z]!));
      this.meets.set(key, cp);
    }
    return cp;
  }
}

function pickChar(set: CharSet): number {
  if (set.length === 0) return -1;
  for (const ch of PREFERRED) if (setHas(set, ch.charCodeAt(0))) return ch.charCodeAt(0);
  const printable = intersectSets(set, [0x21, 0x7e]);
  return printable.length > 0 ? printable[0]! : set[0]!;
}

type Weights = Map<number, number>;
interface Frag {
  first: Weights;
  last: Weights;
  nul: number; // ways to match the empty string, capped at 2
}
interface Position {
  sid: number;
  loop: RepeatNode | null; // innermost unbounded repeat around it
  unrolled: RepeatNode | null; // innermost bounded repeat whose copies it belongs to
}

interface Branch {
  items: readonly RegexNode[];
  from: number; // items before this index were merged into a shared prefix
}

const emptyFrag = (): Frag => ({ first: new Map(), last: new Map(), nul: 1 });
const cap = (n: number): number => Math.min(2, n);

function addInto(target: Weights, src: Weights, factor: number): void {
  if (factor === 0) return;
  for (const [p, w] of src) target.set(p, cap((target.get(p) ?? 0) + w * factor));
}

/** A Glushkov automaton with edge multiplicities: an edge of weight 2 can be taken two ways. */
class Nfa {
  readonly pos: Position[] = [];
  readonly follow: Weights[] = [];
  /** Each loop's innermost enclosing loop, to name the loop that makes a whole component cyclic. */
  readonly outerLoop = new Map<RepeatNode, RepeatNode | null>();
  constructor(
    readonly sets: SetTable,
    private readonly budget: Budget,
  ) {}

  build(node: RegexNode, loop: RepeatNode | null, unrolled: RepeatNode | null): Frag {
    switch (node.type) {
      case 'atom':
      case 'backref': {
        // A backreference is approximated by one arbitrary character that may also be absent.
        const p = this.newPosition(node.type === 'atom' ? node.set : ANY, loop, unrolled);
        return { first: new Map([[p, 1]]), last: new Map([[p, 1]]), nul: node.type === 'atom' ? 0 : 1 };
      }
      case 'assert':
        return emptyFrag();
      case 'group':
        if (!node.look) return this.build(node.body, loop, unrolled);
        // A lookaround's body runs too, so it is analysed, but as its own unconnected component.
        this.build(node.body, loop, unrolled);
        return emptyFrag();
      case 'seq':
        return this.sequence({ items: node.items, from: 0 }, loop, unrolled);
      case 'alt': {
        const branches = node.branches.map((b) => ({ items: b.type === 'seq' ? b.items : [b], from: 0 }));
        return this.alternatives(branches, loop, unrolled, 0);
      }
      case 'repeat':
        return this.repeat(node, loop, unrolled);
    }
  }

  private sequence(branch: Branch, loop: RepeatNode | null, unrolled: RepeatNode | null): Frag {
    let acc = emptyFrag();
    for (let k = branch.from; k < branch.items.length; k++) acc = this.append(acc, this.build(branch.items[k]!, loop, unrolled));
    return acc;
  }

  /**
   * Alternation, with branches that start with the same character merged (name1|name2 is built
   * as name(?:1|2)). Paths map one-to-one, so ambiguity is unchanged, but a word list no longer
   * makes the pair searches quadratic in the number of words.
   */
  private alternatives(branches: Branch[], loop: RepeatNode | null, unrolled: RepeatNode | null, depth: number): Frag {
    const byHead = new Map<string, Branch[]>();
    const order: Branch[][] = [];
    for (const b of branches) {
      const head = b.items[b.from];
      if (head?.type !== 'atom' || depth >= MAX_FACTOR_DEPTH) {
        order.push([b]);
        continue;
      }
      const key = head.set.join();
      const same = byHead.get(key);
      if (same) same.push(b);
      else {
        byHead.set(key, [b]);
        order.push(byHead.get(key)!);
      }
    }
    const out: Frag = { first: new Map(), last: new Map(), nul: 0 };
    for (const group of order) {
      let f: Frag;
      if (group.length === 1) f = this.sequence(group[0]!, loop, unrolled);
      else {
        const head = this.build(group[0]!.items[group[0]!.from]!, loop, unrolled);
        const rest = this.alternatives(group.map((b) => ({ items: b.items, from: b.from + 1 })), loop, unrolled, depth + 1);
        f = this.append(this.append(emptyFrag(), head), rest);
      }
      addInto(out.first, f.first, 1);
      addInto(out.last, f.last, 1);
      out.nul = cap(out.nul + f.nul);
    }
    return out;
  }

  private newPosition(set: CharSet, loop: RepeatNode | null, unrolled: RepeatNode | null): number {
    spend(this.budget);
    if (this.pos.length >= MAX_POSITIONS) throw new OutOfBudget();
    this.follow.push(new Map());
    return this.pos.push({ sid: this.sets.id(set), loop, unrolled }) - 1;
  }

  private link(from: Weights, to: Weights): void {
    for (const [p, wp] of from) {
      const out = this.follow[p]!;
      for (const [q, wq] of to) {
        spend(this.budget);
        out.set(q, cap((out.get(q) ?? 0) + wp * wq));
      }
    }
  }

  /** Concatenation; mutates only `acc.first`, which every caller creates fresh. */
  private append(acc: Frag, f: Frag): Frag {
    this.link(acc.last, f.first);
    addInto(acc.first, f.first, acc.nul);
    let last = f.last;
    if (f.nul > 0) {
      last = new Map(f.last);
      addInto(last, acc.last, f.nul);
    }
    return { first: acc.first, last, nul: cap(acc.nul * f.nul) };
  }

  private repeat(node: RepeatNode, loop: RepeatNode | null, unrolled: RepeatNode | null): Frag {
    let acc = emptyFrag();
    if (isLoop(node)) {
      for (let k = 1; k < Math.min(node.min, MAX_COPIES); k++) acc = this.append(acc, this.build(node.body, loop, node));
      // Copies of a node can sit in different contexts; the loop that encloses any of them wins.
      if (!this.outerLoop.get(node)) this.outerLoop.set(node, loop);
      const f = this.build(node.body, node, unrolled);
      this.link(f.last, f.first);
      // JS ends a loop on an empty iteration once the minimum is met, so x* is empty one way only.
      return this.append(acc, { first: f.first, last: f.last, nul: node.min === 0 ? 1 : f.nul });
    }
    const copyOf = node.max > 1 ? node : unrolled;
    for (let k = 0; k < Math.min(node.min, MAX_COPIES); k++) acc = this.append(acc, this.build(node.body, loop, copyOf));
    // x{0,3} unrolls as (?:x(?:x(?:x)?)?)? rather than x?x?x?, which would add ambiguity of its own.
    let tail: Frag | null = null;
    for (let k = 0; k < Math.min(node.max - node.min, MAX_COPIES); k++) {
      const f = this.build(node.body, loop, copyOf);
      const body: Frag = tail ? this.append(this.append(emptyFrag(), f), tail) : f;
      tail = { first: body.first, last: body.last, nul: cap(body.nul + 1) };
    }
    return tail ? this.append(acc, tail) : acc;
  }

  /** Strongly connected components (iterative Tarjan), sinks first. */
  components(): { comp: Int32Array; groups: number[][] } {
    const n = this.pos.length;
    const index = new Int32Array(n).fill(-1);
    const low = new Int32Array(n);
    const comp = new Int32Array(n).fill(-1);
    const stack: number[] = [];
    const groups: number[][] = [];
    let counter = 0;
    for (let root = 0; root < n; root++) {
      if (index[root] !== -1) continue;
      const calls: Array<[number, Iterator<number>]> = [];
      const enter = (v: number): void => {
        index[v] = low[v] = counter++;
        stack.push(v);
        calls.push([v, this.follow[v]!.keys()]);
      };
      enter(root);
      while (calls.length > 0) {
        const [v, it] = calls[calls.length - 1]!;
        const next = it.next();
        spend(this.budget);
        if (!next.done) {
          const w = next.value;
          if (index[w] === -1) enter(w);
          else if (comp[w] === -1) low[v] = Math.min(low[v]!, index[w]!);
          continue;
        }
        calls.pop();
        const parent = calls[calls.length - 1];
        if (parent) low[parent[0]] = Math.min(low[parent[0]]!, low[v]!);
        if (low[v] !== index[v]) continue;
        const group: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          comp[w] = groups.length;
          group.push(w);
        } while (w !== v);
        groups.push(group);
      }
    }
    return { comp, groups };
  }

  isCyclic(group: number[]): boolean {
    return group.length > 1 || this.follow[group[0]!]!.has(group[0]!);
  }

  meet(p: number, q = p, r = q): number {
    return this.sets.sample(this.pos[p]!.sid, this.pos[q]!.sid, this.pos[r]!.sid);
  }

  /** The innermost loop enclosing every position of a component: the loop its cycles come from. */
  loopOf(group: number[]): RepeatNode | null {
    const chain = (l: RepeatNode | null): RepeatNode[] => {
      const out: RepeatNode[] = [];
      for (let k = 0; l && k <= 1000; k++, l = this.outerLoop.get(l) ?? null) out.push(l);
      return out;
    };
    let common = chain(this.pos[group[0]!]!.loop);
    for (const p of group.slice(1, 200)) {
      const mine = new Set(chain(this.pos[p]!.loop));
      common = common.filter((l) => mine.has(l));
    }
    return common[0] ?? null;
  }
}

/** A word that loops through one state along two different paths, or null (exponential risk). */
function findAmbiguousCycle(nfa: Nfa, budget: Budget): number[] | null {
  const { comp, groups } = nfa.components();
  const n = nfa.pos.length;
  for (const group of groups) {
    if (!nfa.isCyclic(group)) continue;
    const cid = comp[group[0]!];
    const succ = new Map(group.map((p) => [p, [...nfa.follow[p]!.keys()].filter((q) => comp[q] === cid)]));
    const next = (p: number): number[] => succ.get(p) ?? [];
    for (const p of group) {
      for (const [q, w] of nfa.follow[p]!) if (w >= 2 && comp[q] === cid) return closeCycle(nfa, next, p, [nfa.meet(q)], q);
    }
    // Breadth-first over pairs of states the two paths can be in after reading the same text.
    const nodes: Array<{ a: number; b: number; prev: number; ch: number; root: number }> = [];
    const seen = new Set<number>();
    const visit = (a: number, b: number, prev: number, ch: number, root: number): void => {
      const key = Math.min(a, b) * n + Math.max(a, b);
      if (!seen.has(key)) {
        seen.add(key);
        nodes.push({ a, b, prev, ch, root });
      }
    };
    let head = 0;
    const seeded = new Set<string>();
    for (const p of group) {
      const out = next(p);
      // The states after one loop's branches all share a successor list; seed each list once.
      const listKey = out.join();
      if (seeded.has(listKey)) continue;
      seeded.add(listKey);
      for (let x = 0; x < out.length; x++) {
        for (let y = x + 1; y < out.length; y++) {
          spend(budget);
          const ch = nfa.meet(out[x]!, out[y]!);
          if (ch >= 0) visit(out[x]!, out[y]!, -1, ch, p);
        }
      }
      for (; head < nodes.length; head++) {
        const node = nodes[head]!;
        for (const a of next(node.a)) {
          for (const b of next(node.b)) {
            spend(budget);
            const ch = nfa.meet(a, b);
            if (ch < 0) continue;
            if (a === b) return closeCycle(nfa, next, node.root, [...wordTo(nodes, head), ch], a);
            visit(a, b, head, ch, node.root);
          }
        }
      }
    }
  }
  return null;
}

function wordTo(nodes: ReadonlyArray<{ prev: number; ch: number }>, k: number): number[] {
  const word: number[] = [];
  for (let i = k; i >= 0; i = nodes[i]!.prev) word.push(nodes[i]!.ch);
  return word.reverse();
}

/** Extends `word` (which ends in `from`) with a shortest path back to `to`, making it a cycle. */
function closeCycle(nfa: Nfa, next: (p: number) => number[], to: number, word: number[], from: number): number[] {
  const prev = new Map<number, number>([[from, -1]]);
  const queue = [from];
  for (let k = 0; k < queue.length && !prev.has(to); k++) {
    for (const q of next(queue[k]!)) {
      if (!prev.has(q)) {
        prev.set(q, queue[k]!);
        queue.push(q);
      }
    }
  }
  const back: number[] = [];
  // Reusing the word's first character keeps witnesses readable: '0000' rather than '00a00a'.
  const reuse = (v: number): number => (word[0] !== undefined && setHas(nfa.sets.list[nfa.pos[v]!.sid]!, word[0]) ? word[0] : nfa.meet(v));
  for (let v = to; v !== from && prev.has(v); v = prev.get(v)!) back.push(reuse(v));
  return [...word, ...back.reverse()];
}

interface LoopPair {
  from: number[]; // the first loop's component
  to: number[]; // the second loop's component
  word: number[];
}

/** Two loops, the first able to hand what it reads to the second (polynomial risk), or null. */
function findOverlappingLoops(nfa: Nfa, budget: Budget): LoopPair | null {
  const { comp, groups } = nfa.components();
  const cyclic = groups.map((g) => nfa.isCyclic(g));
  for (let gp = groups.length - 1; gp >= 0; gp--) {
    const from = groups[gp]!;
    if (!cyclic[gp]) continue;
    const chars = from.reduce<CharSet>((acc, p) => unionSets(acc, nfa.sets.list[nfa.pos[p]!.sid]!), []);
    // Later loops reachable through text the first loop could also read, nearest first.
    const reached = new Set<number>(from);
    const tried = new Set<number>();
    const queue = [...from];
    for (let k = 0; k < queue.length; k++) {
      for (const q of nfa.follow[queue[k]!]!.keys()) {
        spend(budget);
        if (reached.has(q) || intersectSets(chars, nfa.sets.list[nfa.pos[q]!.sid]!).length === 0) continue;
        reached.add(q);
        queue.push(q);
        const gq = comp[q]!;
        if (!cyclic[gq] || tried.has(gq)) continue;
        tried.add(gq);
        const word = tripleSearch(nfa, comp, gp, gq, from, groups[gq]!, budget);
        if (word) return { from, to: groups[gq]!, word };
      }
    }
  }
  return null;
}

/**
 * Looks for one word w with p→p, p→q and q→q (p in the first loop, q in the second), as a search
 * over triples of states. It accepts the middle path meeting the third one anywhere, a slight
 * relaxation that spares a search per (p, q) pair.
 */
function tripleSearch(nfa: Nfa, comp: Int32Array, gp: number, gq: number, from: number[], to: number[], budget: Budget): number[] | null {
  const n = nfa.pos.length;
  const nodes: Array<{ a: number; b: number; c: number; prev: number; ch: number; root: number }> = [];
  const seen = new Set<number>();
  for (const p of from) {
    for (const q of to) {
      spend(budget);
      nodes.push({ a: p, b: p, c: q, prev: -1, ch: -1, root: p });
    }
  }
  for (let head = 0; head < nodes.length; head++) {
    const { a, b, c, root } = nodes[head]!;
    for (const a2 of nfa.follow[a]!.keys()) {
      if (comp[a2] !== gp) continue;
      for (const b2 of nfa.follow[b]!.keys()) {
        for (const c2 of nfa.follow[c]!.keys()) {
          spend(budget);
          if (comp[c2] !== gq) continue;
          const ch = nfa.meet(a2, b2, c2);
          if (ch < 0) continue;
          if (b2 === c2) {
            const inFirst = (v: number): number[] => [...nfa.follow[v]!.keys()].filter((w) => comp[w] === gp);
            return closeCycle(nfa, inFirst, root, [...wordTo(nodes, head).slice(1), ch], a2);
          }
          const key = (a2 * n + b2) * n + c2;
          if (seen.has(key)) continue;
          seen.add(key);
          nodes.push({ a: a2, b: b2, c: c2, prev: head, ch, root });
        }
      }
    }
  }
  return null;
}

function display(word: number[]): string {
  const unit = String.fromCodePoint(...word.slice(0, 12));
  let text = unit;
  while (text.length < 4) text += unit;
  return JSON.stringify(text).slice(1, -1);
}

function unwrap(node: RegexNode): RegexNode {
  while (node.type === 'group' && !node.look) node = node.body;
  return node;
}

function someNode(node: RegexNode, test: (n: RegexNode) => boolean): boolean {
  if (test(node)) return true;
  if (node.type === 'seq') return node.items.some((n) => someNode(n, test));
  if (node.type === 'alt') return node.branches.some((n) => someNode(n, test));
  if (node.type === 'group' || node.type === 'repeat') return someNode(node.body, test);
  return false;
}

const sameSet = (a: CharSet, b: CharSet): boolean => a.join() === b.join();

/** Rewrites for the shapes where the fix is mechanical; undefined when it takes judgement. */
function suggestForLoop(pattern: string, loop: RepeatNode, sets: SetTable): string | undefined {
  if (loop.max !== Infinity) return undefined;
  const body = unwrap(loop.body);
  const src = (n: RegexNode): string => pattern.slice(n.start, n.end);
  const lazy = loop.lazy ? '?' : '';
  // (a+)+, (x+x+)+, ([a-z]+)*: one character set throughout, so one loop does the same job.
  const items = (body.type === 'seq' ? body.items : [body]).map(unwrap);
  const atoms = items.map((it) => (it.type === 'repeat' ? unwrap(it.body) : it));
  const first = atoms[0];
  if (first?.type === 'atom' && atoms.every((a) => a.type === 'atom' && sameSet(sets.list[sets.id(a.set)]!, sets.list[sets.id(first.set)]!))) {
    const k = items.reduce((sum, it) => sum + (it.type === 'repeat' ? it.min : 1), 0);
    if (k <= 1 || items.some((it) => it.type === 'repeat' && it.max === Infinity)) {
      if (loop.min === 0 && k > 1) return `(?:${src(first)}{${k},}${lazy})?`;
      return src(first) + quantifierText(loop.min * k, Infinity) + lazy;
    }
  }
  // (a|a)*, (\d|\w)+, (.|\s)*: branches of single characters collapse into one class.
  const quant = pattern.slice(loop.body.end, loop.end);
  if (body.type === 'alt') {
    const branches = body.branches.map(unwrap);
    if (!branches.every((b) => b.type === 'atom')) return undefined;
    const union = branches.reduce<CharSet>((acc, b) => unionSets(acc, b.set), []);
    const widest = branches.find((b) => sameSet(b.set, union));
    if (widest) return src(widest) + quant;
    if (sameSet(union, ANY)) return `[\\s\\S]${quant}`;
    if (branches.every((b) => b.classPart !== undefined)) return `[${branches.map((b) => b.classPart).join('')}]${quant}`;
    return undefined;
  }
  // (\w+\s?)*: make the separator mandatory between words.
  const [x, y] = items;
  if (items.length === 2 && x?.type === 'repeat' && y?.type === 'repeat' && x.min === 1 && x.max === Infinity && !x.lazy) {
    const xa = unwrap(x.body);
    const ya = unwrap(y.body);
    if (y.min === 0 && y.max === 1 && xa.type === 'atom' && ya.type === 'atom' && loop.min <= 1) {
      if (intersectSets(sets.list[sets.id(xa.set)]!, sets.list[sets.id(ya.set)]!).length > 0) return undefined;
      const core = `${src(x)}(?:${src(ya)}${src(x)})*${src(ya)}?`;
      return loop.min === 0 ? `(?:${core})?` : core;
    }
  }
  return undefined;
}

/** For adjacent single-set loops, drops the overlap (\d+\d+ → \d{2,}, \w+\d+ → \w+\d). */
function suggestForPair(pattern: string, a: RepeatNode, b: RepeatNode, sets: SetTable): string | undefined {
  const x = unwrap(a.body);
  const y = unwrap(b.body);
  if (a.end !== b.start || a.lazy !== b.lazy || a.max !== Infinity || b.max !== Infinity) return undefined;
  if (x.type !== 'atom' || y.type !== 'atom') return undefined;
  const sx = sets.list[sets.id(x.set)]!;
  const sy = sets.list[sets.id(y.set)]!;
  const lazy = a.lazy ? '?' : '';
  const xs = pattern.slice(x.start, x.end);
  const ys = pattern.slice(y.start, y.end);
  const exactly = (s: string, k: number): string => (k === 0 ? '' : k === 1 ? s : `${s}{${k}}`);
  if (sameSet(sx, sy)) return xs + quantifierText(a.min + b.min, Infinity) + lazy;
  if (isSubset(sy, sx)) return xs + quantifierText(a.min, Infinity) + lazy + exactly(ys, b.min);
  if (isSubset(sx, sy)) return exactly(xs, a.min) + ys + quantifierText(b.min, Infinity) + lazy;
  return undefined;
}

function risk(level: 'exponential' | 'polynomial', pattern: string, start: number, end: number, explanation: string, suggestion?: string): BacktrackingRisk {
  return { risk: level, fragment: pattern.slice(start, end), index: start, explanation, ...(suggestion ? { suggestion } : {}) };
}

function collectLoops(node: RegexNode, out: RepeatNode[]): RepeatNode[] {
  if (node.type === 'seq') node.items.forEach((n) => collectLoops(n, out));
  else if (node.type === 'alt') node.branches.forEach((n) => collectLoops(n, out));
  else if (node.type === 'group') collectLoops(node.body, out);
  else if (node.type === 'repeat') {
    collectLoops(node.body, out);
    if (isLoop(node)) out.push(node);
  }
  return out;
}

// Invalid patterns are 'none' (compileRedactPattern reports them); patterns too deep, too long or
// too complex to analyse within budget are 'exponential', since nothing vouches for them.
/** Statically flags constructs prone to catastrophic backtracking. */
export function analyzeBacktracking(pattern: string): BacktrackingRisk {
  const unanalysable = (index: number, why: string): BacktrackingRisk =>
    risk('exponential', pattern, index, index + 40, `could not be checked for catastrophic backtracking: ${why}`);
  if (typeof pattern !== 'string') return { risk: 'none' };
  if (pattern.length > MAX_ANALYSED_LENGTH) {
    return unanalysable(0, `it is longer than ${MAX_ANALYSED_LENGTH} characters; split it into several patterns`);
  }
  const parsed = parseRegex(pattern, 'python');
  if (!parsed.ok) return parsed.tooDeep ? unanalysable(parsed.index, parsed.message) : { risk: 'none' };
  const budget: Budget = { left: WORK_BUDGET };
  const sets = new SetTable(parsed.flags.i);
  try {
    // Innermost loops first, so the fragment reported is the smallest one at fault.
    for (const loop of collectLoops(parsed.ast, [])) {
      const nfa = new Nfa(sets, budget);
      nfa.build(loop, null, null);
      const word = findAmbiguousCycle(nfa, budget);
      if (!word) continue;
      const frag = pattern.slice(loop.start, loop.end);
      const what = someNode(loop.body, (n) => n.type === 'repeat' && n.max > 1)
        ? `nested quantifier: ${frag} can match '${display(word)}' in exponentially many ways`
        : someNode(loop.body, (n) => n.type === 'alt')
          ? `overlapping alternatives: more than one branch of ${frag} matches the same text, so it can match '${display(word)}' in exponentially many ways`
          : `ambiguous repetition: ${frag} can match '${display(word)}' in exponentially many ways`;
      return risk('exponential', pattern, loop.start, loop.end, `${what}, and a near-miss input makes the matcher try them all`, suggestForLoop(pattern, loop, sets));
    }
    const nfa = new Nfa(sets, budget);
    nfa.build(parsed.ast, null, null);
    const pair = findOverlappingLoops(nfa, budget);
    if (!pair) return { risk: 'none' };
    const a = nfa.loopOf(pair.from);
    const b = nfa.loopOf(pair.to);
    if (!a || !b) return unanalysable(0, 'internal error locating the loops');
    const unrolled = nfa.pos[pair.from[0]!]!.unrolled;
    const w = display(pair.word);
    if (a === b) {
      const outer = unrolled ?? a;
      const text = `repeated quantifier: each copy of ${pattern.slice(a.start, a.end)} in ${pattern.slice(outer.start, outer.end)} can match '${w}', so a failed match tries every way of splitting it between them (polynomial time)`;
      return risk('polynomial', pattern, outer.start, outer.end, text);
    }
    const [fa, fb] = [a, b].map((n) => pattern.slice(n.start, n.end));
    const text = `adjacent quantifiers: ${fa} and ${fb} can both match '${w}', so a failed match tries every way of splitting it between them (polynomial time)`;
    return risk('polynomial', pattern, Math.min(a.start, b.start), Math.max(a.end, b.end), text, suggestForPair(pattern, a, b, sets));
  } catch (e) {
    if (e instanceof OutOfBudget) return unanalysable(0, 'it is too large or too complex to analyse quickly; simplify it');
    return unanalysable(0, `internal error (${String(e)})`);
  }
}
