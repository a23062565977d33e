/**
 * keyv's stored format, written and read by the engine's own JSON. keyv's default serializer
 * builds the text by concatenating it value by value, and its reader runs a reviver over every
 * string; for a guild record of 20 schedules that was most of the garbage a schedule change
 * made (about 150 KB per change), and the young-generation collections it caused were the slow
 * tail of the schedule commands. The text is the same: a string that begins with ':' is stored
 * with one more ':' (keyv's escapeColon, which keeps ':base64:' free to mark a Buffer), so rows written
 * by either can be read by the other. The store holds no Buffers.
 */
const escapeColon = (_key: string, value: unknown): unknown =>
  typeof value === 'string' && value.startsWith(':') ? `:${value}` : value;

const unescapeColon = (_key: string, value: unknown): unknown => {
  if (typeof value !== 'string' || !value.startsWith(':')) return value;
  return value.startsWith(':base64:') ? Buffer.from(value.slice(8), 'base64') : value.slice(1);
};

/**
 * Where an escaped string can be: its opening quote right after `[`, `,`, `:` or `{`, then ':'.
 * Inside a string a quote is written `\"`, so the text of a string never matches; a key that ends
 * in one of those characters can, and then the slower reviver runs, which is still right.
 */
const MAY_HOLD_ESCAPES = /[[,:{]":/;

export const serialize = (data: unknown): string => JSON.stringify(data, escapeColon);

export const deserialize = <T>(text: string): T =>
  MAY_HOLD_ESCAPES.test(text) ? JSON.parse(text, unescapeColon) : JSON.parse(text);
