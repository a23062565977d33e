/**
 * Turns zod issues into messages a curator can act on: what was expected and what was found,
 * the limit and the actual length, the fields allowed where an unknown one appears.
 */

import { z } from 'zod';
import { closestName } from '../../text/nearest.js';
import { fieldOf, type PathSegment } from './yaml-exact.js';

export interface FieldIssue {
  path: PathSegment[];
  /** Set for an unknown key: the problem sits at the key itself. */
  key?: string;
  message: string;
}

const valueAt = (data: unknown, path: readonly PathSegment[]): unknown => {
  let v: unknown = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
};

/** The object schema at `path`, looking through optional/default/pipe and into arrays. */
const objectSchemaAt = (schema: z.ZodType, path: readonly PathSegment[]): z.ZodObject | undefined => {
  let s: unknown = schema;
  const unwrap = () => {
    for (;;) {
      if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable)
        s = s.unwrap();
      else if (s instanceof z.ZodPipe) s = s.in;
      else return;
    }
  };
  for (const seg of path) {
    unwrap();
    if (s instanceof z.ZodArray && typeof seg === 'number') s = s.element;
    else if (s instanceof z.ZodObject && typeof seg === 'string') s = s.shape[seg];
    else return undefined;
  }
  unwrap();
  return s instanceof z.ZodObject ? s : undefined;
};

export const describeValue = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  if (v === null) return 'no value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `text "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (typeof v === 'number') return `a number (${v})`;
  if (typeof v === 'boolean') return `${v} (a yes/no value)`;
  if (typeof v === 'object') return 'a mapping of fields';
  return typeof v;
};

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  array: 'a list',
  object: 'a mapping of fields (key: value lines)',
  boolean: 'true or false',
};

/** zod's own wording, as opposed to a message the schema chose. */
const isDefault = (message: string): boolean =>
  message.startsWith('Invalid input') || message === 'Invalid input';

const chars = (n: number): string => `${n.toLocaleString('en-US')} character${n === 1 ? '' : 's'}`;

/** Quotes carry two rules curators must not miss: verbatim text and a named speaker. */
const quoteRule = (path: readonly PathSegment[]): string | undefined => {
  if (path.length !== 3 || path[0] !== 'quotes') return undefined;
  if (path[2] === 'speaker') return 'unattributed quote: give its speaker, as the source attributes it';
  if (path[2] === 'text') return 'empty quote: give the verbatim text';
  return undefined;
};

export const describeIssues = (
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  schema: z.ZodType,
): FieldIssue[] => {
  const out: FieldIssue[] = [];
  // zod goes on checking a value of the wrong type ("too long" for text where a list belongs); once
  // the type is wrong, nothing else about that value is worth saying.
  const wrongType = new Set(
    issues.filter((i) => i.code === 'invalid_type' || i.code === 'invalid_union').map((i) => fieldOf(i.path)),
  );
  for (const issue of issues) {
    const path = [...issue.path];
    if (wrongType.has(fieldOf(path)) && issue.code !== 'invalid_type' && issue.code !== 'invalid_union')
      continue;
    const value = valueAt(data, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = Object.keys(objectSchemaAt(schema, path)?.shape ?? {});
        for (const key of issue.keys) {
          const near = closestName(key, allowed);
          const hint = near ? `did you mean "${near}"? ` : '';
          out.push({
            path: [...path, key],
            key,
            message: `unknown field "${key}": ${hint}allowed here: ${allowed.join(', ')}`,
          });
        }
        break;
      }
      case 'invalid_type': {
        const rule = quoteRule(path);
        if (value === undefined) {
          out.push({ path, message: rule ?? `missing required field "${String(path.at(-1) ?? '')}"` });
        } else if (value === null && rule) {
          out.push({ path, message: rule });
        } else {
          const expected = isDefault(issue.message)
            ? `expected ${EXPECTED[issue.expected] ?? issue.expected}`
            : issue.message;
          out.push({ path, message: `${expected}, found ${describeValue(value)}` });
        }
        break;
      }
      case 'invalid_union':
        out.push({
          path,
          message: isDefault(issue.message)
            ? `unexpected ${describeValue(value)}`
            : `${issue.message}, found ${describeValue(value)}`,
        });
        break;
      case 'too_big': {
        const max = Number(issue.maximum);
        if (typeof value === 'string') {
          const length = value.trim().length;
          out.push({ path, message: `too long: ${chars(length)}, the limit is ${chars(max)}` });
        } else if (Array.isArray(value)) {
          out.push({ path, message: `too many items: ${value.length}, the limit is ${max}` });
        } else {
          out.push({ path, message: `must be at most ${max}, found ${describeValue(value)}` });
        }
        break;
      }
      case 'too_small':
        out.push({ path, message: quoteRule(path) ?? issue.message });
        break;
      case 'invalid_value':
        out.push({
          path,
          message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${describeValue(value)}`,
        });
        break;
      default:
        out.push({ path, message: issue.message });
    }
  }
  return out;
};

export { fieldOf };
