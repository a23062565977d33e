/**
 * The exact reader: `yaml` (eemeli) with a LineCounter, so every problem can point at the node it
 * is about. Slower than the fast path (js-yaml), so it runs only on files that have a problem.
 */
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  visit,
  type YAMLMap,
} from 'yaml';

export type PathSegment = PropertyKey;
export interface Position {
  line: number;
  column: number;
}
export interface SyntaxProblem extends Position {
  field: string;
  message: string;
}

export interface ExactDoc {
  /** The document as plain data; undefined when it has syntax errors or no content (empty, comments only). */
  data: unknown;
  syntax: SyntaxProblem[];
  /** Where the node at `path` starts, or the deepest existing ancestor when the path runs out. */
  at(path: readonly PathSegment[]): Position;
  /** Where the key `key` of the mapping at `path` starts. */
  keyAt(path: readonly PathSegment[], key: string): Position;
  /** Field path around a character offset, for problems found in the raw text. */
  fieldAt(offset: number): string;
  /** Line and column of a character offset. */
  positionOf(offset: number): Position;
}

/** `sections[2].themes[0]` */
export const fieldOf = (path: readonly PathSegment[]): string => {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
};

const keyName = (pair: Pair): string | undefined => {
  const k = pair.key;
  if (isScalar(k)) return String(k.value);
  return typeof k === 'string' || typeof k === 'number' ? String(k) : undefined;
};

const startOf = (node: unknown): number | undefined =>
  node && typeof node === 'object' && 'range' in node ? ((node as Node).range?.[0] ?? undefined) : undefined;

const endOf = (node: unknown): number | undefined =>
  node && typeof node === 'object' && 'range' in node ? ((node as Node).range?.[2] ?? undefined) : undefined;

/** A key written with no value (`title:`) has an empty null scalar placed after the colon; point at the key. */
const isBlank = (node: unknown): boolean => isScalar(node) && node.value === null && !node.source;

const pairStart = (pair: Pair): number | undefined => startOf(pair.key) ?? startOf(pair.value);

/**
 * Index of the last item starting at or before `offset`, or -1. Items are in document order, so a
 * binary search keeps a file of 20,000 problems from costing 20,000 scans of its mapping.
 */
const lastStartingBy = <T>(items: readonly T[], start: (item: T) => number | undefined, offset: number) => {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = start(items[mid] as T);
    if (s !== undefined && s <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
};

/** Field path of the deepest node around `offset`: where a syntax error sits, in the curator's terms. */
const pathAtOffset = (root: unknown, offset: number): PathSegment[] => {
  const path: PathSegment[] = [];
  let node: unknown = root;
  for (;;) {
    let next: unknown;
    let seg: PathSegment | undefined;
    if (isMap(node)) {
      const pair = node.items[lastStartingBy(node.items, pairStart, offset)];
      const name = pair && keyName(pair);
      if (pair && name !== undefined) {
        seg = name;
        next = pair.value;
      }
    } else if (isSeq(node)) {
      const i = lastStartingBy(node.items, startOf, offset);
      if (i >= 0) {
        seg = i;
        next = node.items[i];
      }
    }
    if (seg === undefined) return path;
    path.push(seg);
    const end = endOf(next);
    if (!(isMap(next) || isSeq(next)) || (end !== undefined && offset > end)) return path;
    node = next;
  }
};

/**
 * Under tab indentation the parsed tree is a guess. If the file parses once each tab is read as
 * two spaces, that tree names the field on each line far better: one entry per line.
 */
const fieldsWithTabsExpanded = (text: string): string[] | undefined => {
  const lines = text
    .split('\n')
    .map((line) => line.replace(/^[ \t]+/, (indent) => indent.replaceAll('\t', '  ')));
  const doc = parseDocument(lines.join('\n'), { prettyErrors: false });
  if (doc.errors.length > 0) return undefined;
  let offset = 0;
  return lines.map((line) => {
    const field = fieldOf(pathAtOffset(doc.contents, offset + (line.length - line.trimStart().length)));
    offset += line.length + 1;
    return field;
  });
};

const MAX_ALIASES = 1000;

const TAB_MESSAGE = (line: number) =>
  `line ${line} is indented with a tab: YAML forbids tabs for indentation, use spaces`;

/** Offsets of keys that repeat an earlier key of the same mapping, in one pass over the document. */
const duplicateKeys = (contents: unknown): number[] => {
  const found: number[] = [];
  visit(contents as Node, {
    Map: (_, map) => {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const name = keyName(pair);
        if (name === undefined) continue;
        const start = pairStart(pair);
        if (seen.has(name) && start !== undefined) found.push(start);
        seen.add(name);
      }
    },
  });
  return found;
};

/** First pair of each key, built once per mapping: locating 20,000 keys must not scan it 20,000 times. */
const pairIndex = () => {
  const indexes = new WeakMap<YAMLMap, Map<string, Pair>>();
  return (map: YAMLMap, key: string): Pair | undefined => {
    let index = indexes.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items) {
        const name = isPair(pair) ? keyName(pair) : undefined;
        if (name !== undefined && !index.has(name)) index.set(name, pair);
      }
      indexes.set(map, index);
    }
    return index.get(key);
  };
};

export const parseExact = (text: string): ExactDoc => {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    // yaml checks each key against every earlier one (quadratic: 20,000 keys took 25 s here);
    // duplicateKeys does the same in one pass.
    uniqueKeys: false,
    // Problems are reported through `errors`; nothing should reach the process's warning output.
    logLevel: 'error',
  });
  const pairOf = pairIndex();
  const pos = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };

  // Tabs derail the parser, and what it reports after them is mostly echo: report the tabs alone.
  const tabs = doc.errors.filter((e) => e.code === 'TAB_AS_INDENT');
  const tabFields = tabs.length > 0 ? fieldsWithTabsExpanded(text) : undefined;
  const errors: { code: string; pos: [number, number]; message: string }[] =
    tabs.length > 0
      ? tabs
      : [
          ...doc.errors,
          ...duplicateKeys(doc.contents).map((offset) => ({
            code: 'DUPLICATE_KEY',
            pos: [offset, offset] as [number, number],
            message: '',
          })),
        ];
  const syntax: SyntaxProblem[] = errors.map((e) => {
    const at = pos(e.pos[0]);
    const path = pathAtOffset(doc.contents, e.pos[0]);
    const field = fieldOf(path);
    if (e.code === 'TAB_AS_INDENT') {
      return { ...at, field: tabFields?.[at.line - 1] ?? field, message: TAB_MESSAGE(at.line) };
    }
    if (e.code === 'DUPLICATE_KEY') {
      const key = path.at(-1);
      return { ...at, field, message: `field "${String(key)}" appears twice in the same mapping: keep one` };
    }
    if (e.code === 'MULTIPLE_DOCS') {
      return {
        ...at,
        field: '',
        message: `a file holds one briefing: remove the "---" on line ${at.line} and what follows, or move it to its own file`,
      };
    }
    return { ...at, field, message: `YAML syntax: ${e.message}` };
  });

  let data: unknown;
  if (doc.contents !== null && syntax.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch {
      // yaml refuses to expand aliases past the limit (the "billion laughs" pattern).
      syntax.push({
        line: 1,
        column: 1,
        field: '',
        message: `aliases (*name) expand to more than ${MAX_ALIASES} nodes: write the content out instead`,
      });
    }
  }

  const walk = (path: readonly PathSegment[]): { node: unknown; offset: number } => {
    let node: unknown = doc.contents;
    let offset = startOf(node) ?? 0;
    for (const seg of path) {
      let next: unknown;
      let nextOffset: number | undefined;
      if (isMap(node)) {
        const pair = pairOf(node, String(seg));
        if (pair) {
          next = pair.value;
          nextOffset = isBlank(pair.value) ? pairStart(pair) : (startOf(pair.value) ?? pairStart(pair));
        }
      } else if (isSeq(node) && typeof seg === 'number') {
        next = node.items[seg];
        nextOffset = startOf(next);
      }
      if (nextOffset === undefined) break;
      node = next;
      offset = nextOffset;
    }
    return { node, offset };
  };

  return {
    data,
    syntax,
    at: (path) => pos(walk(path).offset),
    fieldAt: (offset) => fieldOf(pathAtOffset(doc.contents, offset)),
    positionOf: pos,
    keyAt: (path, key) => {
      const { node, offset } = walk(path);
      if (isMap(node)) {
        const pair = pairOf(node, key);
        const start = pair && pairStart(pair);
        if (start !== undefined) return pos(start);
      }
      return pos(offset);
    },
  };
};
