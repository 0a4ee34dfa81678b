/**
 * What rules produce. Plain data with offsets: rules know libvirt, not LSP.
 */
import type { HostProfile } from '../host/profile';
import type { Allocation, Reservation } from '../model/allocate';
import type { DomainModel } from '../model/types';
import type { Span, XmlElement } from '../syntax/tree';
import type { Code } from './codes';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface TextEdit {
  span: Span;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix to apply when a user asks to fix everything at once. */
  preferred?: boolean;
  /**
   * Set on a fix that takes a free resource (a PCI slot, a controller index, a USB port, a disk
   * target...). `title` and `edits` are what it takes on a fresh allocation (the quick fix);
   * `taken` is what that took. Fix All applies fixes in order on one allocation shared by every
   * fix: it adopts `taken` when that is still free there, else calls `build` again on it, so two
   * fixes never take the same resource.
   */
  claim?: { model: DomainModel; build: (alloc: Allocation) => Fix | undefined; taken: readonly Reservation[] };
}

export interface Finding {
  code: Code;
  message: string;
  span: Span;
  /**
   * Other places involved. `member`: for checks over several domains (rules/fleet.ts), the index
   * of the other document among those checked together; absent, the place is in this document.
   */
  related?: { message: string; span: Span; member?: number }[];
  fixes?: Fix[];
}

/** Which libvirt the user targets: openEuler's libvirt accepts error_policy='retry', upstream does not. */
export type Flavor = 'upstream' | 'openeuler';

export interface RuleContext {
  /** undefined when unknown (flavor 'auto' with no installed libvirt schema to look at). */
  flavor: Flavor | undefined;
  /**
   * The libvirt release the file is for ("9.0.0"): pieces newer than it are reported
   * (rules/target-version.ts). undefined: the newest release the bundled schema knows.
   */
  targetVersion?: string;
  /**
   * The libvirt host the document is checked against (rules/host.ts). undefined when none is
   * configured or the workspace is not trusted: host checks are then skipped, never guessed.
   */
  host?: HostProfile;
  /** Per-device findings kept from the previous version of the document (analysis.ts reanalyze). */
  memo?: DeviceMemo;
}

/**
 * Findings of one device that depend on nothing but the device's own subtree (and the context
 * above, and what lies outside <devices>, which only a full analysis changes), kept from one
 * version of a document to the next: after an edit inside one device the others' findings are
 * reused, moved with their device. A family asks `reuse` before checking a device (undefined:
 * check it) and hands what it found to `keep` (schema-structure.ts, whose walk meets the devices
 * one at a time), or hands a whole list of devices to `each` (eachDeviceFindings).
 */
export interface DeviceMemo {
  reuse(family: string, device: XmlElement): readonly Finding[] | undefined;
  keep(family: string, device: XmlElement, findings: readonly Finding[]): void;
  /**
   * `check` over `items` (devices, in document order) as reuse/keep one device at a time would
   * give, but after an edit inside one device only that device is checked: the other devices'
   * kept findings are moved without visiting the devices that have none, so the cost follows the
   * findings and the edit, not the number of devices. `family` names one call site (never shared
   * with reuse/keep or another `each`); what else a check depends on that another device can
   * change goes into it (chardevs.ts: whether the guest has SPICE graphics).
   */
  each<T>(family: string, items: readonly T[], el: (item: T) => XmlElement, check: (item: T) => readonly Finding[]): Finding[];
  /**
   * A value worked out of one device alone (its subtree, and what only a full analysis changes),
   * kept from one version to the next like its findings: what a check across devices tallies
   * (aliases, drive addresses...) without reading every device again. `key` names one kind of
   * value; the value may hold the device's elements and attributes, never a copied span.
   */
  fact<T>(key: string, device: XmlElement, compute: () => T): T;
}

export interface RuleFamily {
  id: string;
  check(model: DomainModel, ctx: RuleContext): Finding[];
}

/**
 * The findings of `check` over `items` (devices of the domain, in document order), each device's
 * depending only on its own subtree and what only a full analysis changes (DeviceMemo):
 * through `memo` when there is one (DeviceMemo.each), else every item checked.
 */
export function eachDeviceFindings<T>(
  memo: DeviceMemo | undefined,
  family: string,
  items: readonly T[],
  el: (item: T) => XmlElement,
  check: (item: T) => readonly Finding[]
): Finding[] {
  if (memo) {
    return memo.each(family, items, el, check);
  }
  const out: Finding[] = [];
  for (const t of items) {
    for (const f of check(t)) {
      out.push(f);
    }
  }
  return out;
}

/** DeviceMemo.fact through `memo` when there is one, else computed. */
export function deviceFact<T>(memo: DeviceMemo | undefined, key: string, device: XmlElement, compute: () => T): T {
  return memo ? memo.fact(key, device, compute) : compute();
}

/** eachDeviceFindings, the findings added to `out`. */
export function addDeviceFindings<T>(
  out: Finding[],
  memo: DeviceMemo | undefined,
  family: string,
  items: readonly T[],
  el: (item: T) => XmlElement,
  check: (item: T) => readonly Finding[]
): void {
  for (const f of eachDeviceFindings(memo, family, items, el, check)) {
    out.push(f);
  }
}
