/**
 * Where an element sits, in the terms completion's tables (knowledge.ts) are written in, and
 * the one generic reader of those tables: a row applies when its element name and its `when`
 * conditions match the place; the first row that applies wins.
 */
import type { PathStep } from '../../schema/lookup';
import { deviceIndex } from './common';

/** The facts about an element (the last step of a path) that table rows may ask about. */
export interface Place {
  name: string;
  /** The element's own attributes so far. */
  own: Readonly<Record<string, string>>;
  /** Steps from the root (0: the root itself). */
  level: number;
  parent: string | undefined;
  /** The step where a device sits (under <devices>, or a fragment's root); may be the element itself, or missing. */
  device: PathStep | undefined;
  /** Steps from the device down to the element (0: the device itself; negative above it). */
  depth: number;
  /** Somewhere under a <source> of the device. */
  inSource: boolean;
  /** In a <domain> but not under <devices> (<os>, <memory>...). */
  domainLevel: boolean;
  /** The machine family of the document, when known. */
  family: string | undefined;
}

export function placeOf(path: readonly PathStep[], family?: string): Place | undefined {
  const el = path[path.length - 1];
  if (!el) {
    return undefined;
  }
  const di = deviceIndex(path);
  return {
    name: el.name,
    own: el.attrs,
    level: path.length - 1,
    parent: path[path.length - 2]?.name,
    device: path[di],
    depth: path.length - 1 - di,
    inSource: path.slice(di + 1, -1).some((s) => s.name === 'source'),
    domainLevel: path[0]?.name === 'domain' && path[1]?.name !== 'devices',
    family,
  };
}

/**
 * A condition on an attribute value: one of the listed values (undefined in the list: the
 * attribute is absent), a pattern the value matches (an absent attribute never does), or none
 * of the listed values.
 */
type ValueMatch = readonly (string | undefined)[] | RegExp | { readonly not: readonly (string | undefined)[] };

/** Any value that is not empty. */
export const GIVEN: ValueMatch = /./;

/** Conditions on a place; all that are given must hold. */
export interface When {
  level?: number;
  parent?: string;
  /** The device's element name (undefined in the list: no device step). */
  device?: readonly (string | undefined)[];
  depth?: number;
  inSource?: boolean;
  own?: Readonly<Record<string, ValueMatch>>;
  deviceAttrs?: Readonly<Record<string, ValueMatch>>;
  family?: readonly (string | undefined)[];
}

/** A table row: for these element names, where `when` holds, `then`. */
export interface Row<T> {
  element: string | readonly string[];
  when?: When;
  then: T;
}

function valueMatches(m: ValueMatch, v: string | undefined): boolean {
  if (m instanceof RegExp) {
    return v !== undefined && m.test(v);
  }
  if ('not' in m) {
    return !m.not.includes(v);
  }
  return m.includes(v);
}

function attrsMatch(conds: Readonly<Record<string, ValueMatch>> | undefined, attrs: Readonly<Record<string, string>> | undefined): boolean {
  if (!conds) {
    return true;
  }
  for (const [k, m] of Object.entries(conds)) {
    if (!valueMatches(m, attrs?.[k])) {
      return false;
    }
  }
  return true;
}

function holds(w: When | undefined, p: Place): boolean {
  if (!w) {
    return true;
  }
  return (
    (w.level === undefined || w.level === p.level) &&
    (w.parent === undefined || w.parent === p.parent) &&
    (w.device === undefined || w.device.includes(p.device?.name)) &&
    (w.depth === undefined || w.depth === p.depth) &&
    (w.inSource === undefined || w.inSource === p.inSource) &&
    (w.family === undefined || w.family.includes(p.family)) &&
    attrsMatch(w.own, p.own) &&
    attrsMatch(w.deviceAttrs, p.device?.attrs)
  );
}

/** Rows by element name, built once per table. */
const indexes = new WeakMap<readonly Row<unknown>[], Map<string, Row<unknown>[]>>();

function rowsFor<T>(table: readonly Row<T>[], name: string): readonly Row<T>[] {
  let index = indexes.get(table);
  if (!index) {
    index = new Map();
    for (const row of table) {
      for (const n of typeof row.element === 'string' ? [row.element] : row.element) {
        let list = index.get(n);
        if (!list) {
          index.set(n, (list = []));
        }
        list.push(row);
      }
    }
    indexes.set(table, index);
  }
  return (index.get(name) ?? []) as Row<T>[];
}

/** The `then` of the first row of `table` that applies to the place. */
export function lookUp<T>(table: readonly Row<T>[], p: Place, also?: (row: Row<T>) => boolean): T | undefined {
  for (const row of rowsFor(table, p.name)) {
    if (holds(row.when, p) && (!also || also(row))) {
      return row.then;
    }
  }
  return undefined;
}
