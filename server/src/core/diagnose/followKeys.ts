// The key-linked lines of one instance, kept up to date as its keys grow. A content download follows hundreds of
// keys (every CTM job of its content, their DTS jobs and location requests), and its walk asked for each keyed
// step's lines again and again (every pass of the key harvest, every round of the walk), each time merging the
// lines of every key it had: 1.8 million lines merged for 500 downloads of the bench corpus. Here each ask merges
// only the lines of the keys added since the last one.
//
// The answer is the one keyedHits gives for the instance's keys at that moment: its lines sorted by time, then
// record index. Lines that sort equal (same time and index in two logs) keep keyedHits' order, which depends on
// the order of the keys: when there are any, the list is made again by keyedHits.
import type { Instance } from './instances';
import type { LogHint } from './rules';
import { byTime, keyedHits, type DiagnoseContext, type Hit } from './sources';

interface Followed {
  /** Keys of each role taken so far (a role's keys only grow, in insertion order). */
  taken: Map<string, number>;
  hits: Hit[];
  /** Per source (by position), a bit per record: the lines in `hits`. */
  lines: Array<Uint8Array | undefined>;
  /** Lines of `hits` the key harvest has not read yet (asked by the walk, not the harvest), in `hits` order. */
  unharvested: Hit[];
}

/** One instance's keyed questions (a step's hint, key roles and patterns), each followed as the keys grow. */
export class FollowedKeys {
  private readonly followed = new Map<object, Followed>();

  constructor(
    private readonly context: DiagnoseContext,
    private readonly instance: Instance,
  ) {}

  /**
   * keyedHits(hint, the instance's keys of `roles`, patterns) for `question` (an object standing for the hint,
   * roles and patterns: a step rule).
   */
  hits(question: object, hint: Partial<LogHint>, roles: string[] | undefined, patterns: RegExp[]): Hit[] {
    const followed = this.follow(question);
    const fresh = this.update(followed, hint, roles, patterns);
    if (fresh === 'remade') followed.unharvested = followed.hits;
    else if (fresh.length) followed.unharvested = mergeByTime(followed.unharvested, fresh) ?? followed.hits;
    return followed.hits;
  }

  /**
   * The lines of keyedHits(...) that the key harvest has not read yet, in the answer's order (all of them when the
   * answer was made again): reading a line's captures twice changes nothing, so the harvest reads each once.
   */
  unharvested(question: object, hint: Partial<LogHint>, roles: string[] | undefined, patterns: RegExp[]): Hit[] {
    const followed = this.follow(question);
    const fresh = this.update(followed, hint, roles, patterns);
    const pending = fresh === 'remade' ? followed.hits : (mergeByTime(followed.unharvested, fresh) ?? followed.hits);
    followed.unharvested = [];
    return pending;
  }

  private follow(question: object): Followed {
    let followed = this.followed.get(question);
    if (!followed) this.followed.set(question, (followed = { taken: new Map(), hits: [], lines: [], unharvested: [] }));
    return followed;
  }

  /** Brings the answer up to date: the lines added, in order, or 'remade' when it was made again by keyedHits. */
  private update(
    followed: Followed,
    hint: Partial<LogHint>,
    roles: string[] | undefined,
    patterns: RegExp[],
  ): Hit[] | 'remade' {
    const fresh = this.newHits(followed, hint, roles, patterns);
    if (!fresh.length) return fresh;
    const merged = mergeByTime(followed.hits, fresh);
    if (merged) {
      followed.hits = merged;
      return fresh;
    }
    followed.hits = keyedHits(this.context, hint, this.keysOf(roles), patterns, this.instance.folder);
    followed.lines = [];
    for (const hit of followed.hits) this.take(followed, hit);
    return 'remade';
  }

  /** Lines of the keys added since the last ask that are not in the answer yet, by time (as keyedHits gives them). */
  private newHits(followed: Followed, hint: Partial<LogHint>, roles: string[] | undefined, patterns: RegExp[]): Hit[] {
    const keys: string[] = [];
    for (const [role, found] of this.instance.keys) {
      if (roles && !roles.includes(role)) continue;
      const taken = followed.taken.get(role) ?? 0;
      if (found.size === taken) continue;
      for (let i = taken; i < found.list.length; i++) keys.push(found.list[i]);
      followed.taken.set(role, found.size);
    }
    const fresh: Hit[] = [];
    if (!keys.length) return fresh;
    for (const hit of keyedHits(this.context, hint, keys, patterns, this.instance.folder))
      if (this.take(followed, hit)) fresh.push(hit);
    return fresh;
  }

  /** Marks the line as in the answer; false when it already was. */
  private take(followed: Followed, hit: Hit): boolean {
    const bits = (followed.lines[hit.source.position] ??= new Uint8Array((hit.source.records.length >> 3) + 1));
    const byte = hit.index >> 3;
    const bit = 1 << (hit.index & 7);
    if (bits[byte] & bit) return false;
    bits[byte] |= bit;
    return true;
  }

  private keysOf(roles: string[] | undefined): string[] {
    const out: string[] = [];
    for (const [role, found] of this.instance.keys) if (!roles || roles.includes(role)) out.push(...found.list);
    return out;
  }
}

/** Two sorted lists as one, or undefined when two of their lines sort equal (their order is keyedHits' to say). */
function mergeByTime(a: Hit[], b: Hit[]): Hit[] | undefined {
  if (!a.length || !b.length) return noTies(a.length ? a : b) ? (a.length ? a : b) : undefined;
  const out: Hit[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) out[n++] = byTime(a[i], b[j]) < 0 ? a[i++] : b[j++];
  while (i < a.length) out[n++] = a[i++];
  while (j < b.length) out[n++] = b[j++];
  return noTies(out) ? out : undefined;
}

function noTies(hits: Hit[]): boolean {
  for (let k = 1; k < hits.length; k++) if (!(byTime(hits[k - 1], hits[k]) < 0)) return false;
  return true;
}
