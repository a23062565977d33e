/**
 * The fast reader: js-yaml, four to five times quicker than the exact reader (yaml-exact.ts) but
 * with no positions. Readers try it first and accept what it gives only when their schema does;
 * anything else (a syntax error, a value the schema refuses) is read again by the exact reader,
 * which is the authority on what is wrong and where.
 */
import jsyaml from 'js-yaml';

const ANCHOR_OR_ALIAS = /(?:^|[\s[{,])[&*][^\s,[\]{}]/m;

/**
 * The document as plain data, or undefined to leave it to the exact reader: on a syntax error, and
 * on what the exact reader words better. Tabs are the classic slip, and it names their line.
 * Anchors and aliases go there too: js-yaml shares aliased nodes, and validating a shared node once
 * per use can blow up exponentially, while the exact reader caps alias expansion.
 */
export function loadFast(text: string): { data: unknown } | undefined {
  if (text.includes('\t') || ((text.includes('&') || text.includes('*')) && ANCHOR_OR_ALIAS.test(text))) {
    return undefined;
  }
  try {
    return { data: jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA }) };
  } catch {
    return undefined;
  }
}
