/**
 * The one judge of attribute values and element text: libvirt's RelaxNG schema (checkValue in
 * lookup.ts), corrected by what libvirt itself does. The schema rule reports what it says, hover
 * shows it; nothing else decides whether a value is valid.
 *
 * A value gets one of three statuses:
 * - 'error': libvirt cannot read it (a word it does not know, a number that is not one or is out
 *   of range) and refuses the document;
 * - 'validate-only': only the schema check refuses it (virt-xml-validate, `virsh define
 *   --validate`): a number written in a form the schema's pattern does not allow, a string
 *   breaking a pattern, a bad word libvirt was seen to ignore;
 * - 'ok': the schema accepts it, or libvirt's leniency does, or another rule family judges it the
 *   libvirt way (PCI address ranges, USB ports, MAC addresses, disk targets, openEuler's retry
 *   attributes), so the schema has nothing to say.
 *
 * Where the schema and libvirt part ways comes from schema-verdicts.json, written by
 * scripts/schema/probe-libvirt.mjs: spoilt values were given to libvirt in turn, and a bad word
 * or number is an error unless libvirt was seen to accept it.
 *
 * Verdicts depend only on the resolved schema element and the value; the schema's part is cached.
 */
import { parseInteger } from '../../../lib/integer';
import type { XmlAttribute, XmlElement } from '../syntax/tree';
import {
  checkValue,
  childElement,
  enumValues,
  resolveType,
  schemaSource,
  vendorOnlyValue,
  type AttributeInfo,
  type ResolvedElement,
  type ValueType,
} from './lookup';
import { nearest } from './nearest';
import verdictsJson from './schema-verdicts.json';
import { chainTo, resolveRoot, stepOf } from './walk';

// ---------------------------------------------------------------------------
// what libvirt was seen to do

/** What libvirt did with a spoilt or missing piece, by problem key (see signature). */
interface VerdictTable {
  libvirt: string;
  verdicts: Readonly<Record<string, 'accept' | 'reject'>>;
}
const VERDICTS = (verdictsJson as unknown as VerdictTable).verdicts;

/**
 * libvirt's verdict on a piece of a schema element: `key` names the element and the piece
 * (signature + '@attr' / '/child' for a missing one, '@attr=' / '#text=' for a bad value); for
 * a value the verdict on that very value wins over the one on values in general.
 */
export function libvirtVerdict(key: string, value?: string): 'accept' | 'reject' | undefined {
  return (value !== undefined ? VERDICTS[key + value] : undefined) ?? VERDICTS[key];
}

/** Value types whose attributes another family checks the libvirt way. */
const OWNED_TYPES: ReadonlySet<string> = new Set([
  'usbPort', // usb-port-syntax
  'uniMacAddr', // mac-invalid, mac-multicast
  'diskTargetDev', // disk-target-invalid
]);

/** PCI address parts: libvirt reads them with base 0 (hex, octal, decimal); ranges are pci-address-range's. */
const PCI_NUMBER_TYPES: ReadonlySet<string> = new Set(['pciDomain', 'pciBus', 'pciSlot', 'pciFunc']);

/**
 * Values libvirt reads and acts on although its schema leaves them out, as element@attr=value
 * (each checked with `virsh define`, libvirt 9.0). Values of the form 'none' and 'default' are
 * found by the probe instead.
 */
const ALSO_ACCEPTED: ReadonlySet<string> = new Set([
  'filesystem@type=volume', // <filesystem type='volume'><source pool volume/>: VIR_DOMAIN_FS_TYPE_VOLUME
]);

/**
 * How libvirt 9.0's parser reads values whose schema pattern is stricter than a plain type: for a
 * value the pattern refuses, the reader says whether libvirt can read it anyway (then only the
 * schema check refuses it) or refuses it too (an error). Keyed by schema type name, or by
 * element@attr for an unnamed type. Each refusal was seen with `virsh define` (libvirt 9.0, test
 * and QEMU drivers); values the pattern accepts are not affected.
 */
/** A decimal unsigned int as libvirt's virXMLPropUInt reads it (the project's one integer reader). */
function readsAsUInt(raw: string): boolean {
  const n = parseInteger(raw, 10);
  return n !== undefined && n <= 0xffffffff;
}

const LIBVIRT_READERS: Readonly<Record<string, (raw: string) => boolean>> = {
  // virBitmapParse: "Failed to parse bitmap 'aaa'" (blanks around numbers, commas and '-' are allowed)
  cpuset: readsAsBitmap,
  // virUUIDParse: "malformed uuid element" (16 pairs of hex digits; '-' and blanks between pairs, blanks around)
  UUID: (raw) => /^\s*(?:[- ]*[0-9a-fA-F]{2}){16}\s*$/.test(raw),
  // virXMLPropULongLong(..., 16, ...): "Invalid value for attribute 'reg' ... Expected non-negative integer value"
  // and the QEMU driver: "spapr-vio reg='…' exceeds maximum possible value (0xffffffff)"
  spaprvioReg: (raw) => /^\s*(0[xX])?[0-9a-fA-F]+$/.test(raw) && BigInt('0x' + raw.trim().replace(/^0[xX]/, '')) <= 0xffffffffn,
  // virDomainDeviceLoadparmIsValid: "loadparm value '…' must be between 1 and 8 characters", or a bad character
  'boot@loadparm': (raw) => /^[A-Za-z0-9. ]{1,8}$/.test(raw),
  // virDomainFSDefParseXML reads fmode and dmode in octal (virXMLPropUInt base 8): "invalid fmode:
  // '07777'" past 0777, "Invalid value for attribute 'fmode'" for what is no octal number
  createMode: (raw) => /^\s*\+?[0-7]+$/.test(raw) && parseInt(raw.trim().replace(/^\+/, ''), 8) <= 0o777,
  // virSocketAddrParse (getaddrinfo, numeric hosts only): "Invalid address '1.2.3.x' in <ip>",
  // "Invalid peer 'zz' in <ip>", "Invalid address '…' in <portForward>"; IPv4 in inet_aton's forms
  // virDomainDeviceDriveAddressParseXML reads controller, bus, target and unit as unsigned int (base 10):
  // "Invalid value for attribute 'controller' in element 'address': '99999999999'. Expected non-negative
  // integer value"; the schema's pattern wants at most two digits, which libvirt does not
  'address@controller': readsAsUInt,
  'address@bus': readsAsUInt,
  'address@target': readsAsUInt,
  'address@unit': readsAsUInt,
  'ip@address': readsAsIpAddress,
  'ip@peer': readsAsIpAddress,
  'portForward@address': readsAsIpAddress,
  // virDomainDefParseXML: "Domain title can't contain newlines"
  'title#text': (raw) => !/[\r\n]/.test(raw),
  // virDomainDefResourceValidate: "Fibre Channel 'appid' is not a printable string", "... string length must be between [1, 128]"
  'fibrechannel@appid': (raw) => /^[\x20-\x7e]{1,128}$/.test(raw),
  // virDomainFeaturesHyperVDefParse: "HyperV vendor_id value is invalid" (a comma; the length is features-value-invalid's)
  'vendor_id@value': (raw) => !raw.includes(','),
  // qemuDomainDefNamespaceParseCommandlineEnvValidate (<qemu:env name>): "Invalid environment name, it must
  // contain only alphanumerics and underscore" (and begin with a letter or an underscore)
  'env@name': (raw) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(raw),
};

/**
 * Whether libvirt's virSocketAddrParse may read an address: IPv4 in any of inet_aton's forms (one to
 * four parts, decimal, octal or hex) or something IPv6-like. Generous on purpose: only what no form
 * can read is an error.
 */
function readsAsIpAddress(raw: string): boolean {
  const s = raw.trim();
  const part = '(?:0[xX][0-9a-fA-F]*|[0-9]+)';
  return new RegExp(`^${part}(?:\\.${part}){0,3}$`).test(s) || (s.includes(':') && /^[0-9a-fA-F:.]+(?:%\S+)?$/.test(s));
}

/** libvirt's virBitmapParse, syntax only: N, N-M (N <= M) and ^N, separated by commas, blanks allowed between. */
function readsAsBitmap(raw: string): boolean {
  const s = raw.replace(/[ \t\n\r\v\f]/g, ' ');
  const item = String.raw` *(?:\^[0-9]+|[0-9]+(?: *- *\+?[0-9]+)?) *`;
  if (!new RegExp(`^ *(?:${item})(?:,${item})*(?:, *)?$`).test(s)) {
    return false;
  }
  for (const part of s.replace(/, *$/, '').split(',')) {
    const m = /^ *([0-9]+) *- *\+?([0-9]+) *$/.exec(part);
    const nums = (m ? [m[1]!, m[2]!] : [part.replace(/[ ^]/g, '')]).map(Number);
    if (nums.some((n) => n > 2147483647) || (m && nums[1]! < nums[0]!)) {
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// small helpers shared with the schema rule's messages

/** A resolved element's identity: the schema descriptions and the discriminator values that chose its content. */
function signature(r: ResolvedElement): string {
  let s = r.ids.join('|');
  for (const k of Object.keys(r.variant).sort()) {
    s += `[${k}=${r.variant[k]}]`;
  }
  return s;
}

const sigCache = new WeakMap<ResolvedElement, string>();

/** signature(), computed once per resolved element. */
export function cachedSignature(r: ResolvedElement): string {
  let s = sigCache.get(r);
  if (s === undefined) {
    sigCache.set(r, (s = signature(r)));
  }
  return s;
}

export function schemaName(): string {
  return `libvirt ${schemaSource().libvirt}`;
}

export function quoteList(values: readonly string[], max = 12): string {
  const shown = values.slice(0, max).map((v) => `'${v}'`);
  if (values.length > max) {
    shown.push(`… (${values.length} in all)`);
  }
  return shown.join(', ');
}

/** True when every member of the type is an enum. */
function isEnumType(vt: ValueType): boolean {
  const d = vt.desc;
  return d.type === 'enum' || (d.type === 'union' && d.of.every((m) => isEnumType(resolveType(m))));
}

/** The integer member of a type (an int, or a union of an int and hexadecimal forms such as uint8). */
export function intMember(vt: ValueType): { min?: bigint; max?: bigint } | undefined {
  const d = vt.desc;
  if (d.type === 'int') {
    return { ...(d.min !== undefined ? { min: BigInt(d.min) } : {}), ...(d.max !== undefined ? { max: BigInt(d.max) } : {}) };
  }
  if (d.type === 'union') {
    for (const m of d.of) {
      const r = intMember(resolveType(m));
      if (r) {
        return r;
      }
    }
  }
  return undefined;
}

function hasStringForm(vt: ValueType): boolean {
  const d = vt.desc;
  return d.type === 'string' || (d.type === 'union' && d.of.some((m) => hasStringForm(resolveType(m))));
}

/** Reads an integer as libvirt's virStrToLong with base 0 does (a leading minus allowed). */
function readInteger(raw: string): bigint | undefined {
  const s = raw.trim();
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s.replace(/^\+/, '');
  let v: bigint | undefined;
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) {
    v = BigInt(body);
  } else if (/^0[0-7]*$/.test(body)) {
    v = BigInt('0o' + (body.slice(1) || '0'));
  } else if (/^[1-9][0-9]*$/.test(body)) {
    v = BigInt(body);
  }
  return v === undefined ? undefined : neg ? -v : v;
}

// ---------------------------------------------------------------------------
// the schema's part, with libvirt's ways of reading values

/** What the schema (read the libvirt way) finds wrong with a value, before libvirt's verdict. */
interface SchemaObjection {
  /** 'bad-value': libvirt cannot read it either (unless the verdict table says it ignores it); 'bad-format': only the schema objects. */
  kind: 'bad-value' | 'bad-format';
  message: string;
  /** What is wrong, in a few words. */
  problem: string;
  /** What would be accepted, in words. */
  allowed: string;
  values?: readonly string[];
  suggestions: string[];
}

/** What is wrong with `value` for type `vt`: null when the schema accepts it. */
function objection(vt: ValueType, value: string, what: string): SchemaObjection | null {
  const v = value.trim();
  const problem = checkValue(vt, v);
  if (!problem) {
    return null;
  }
  const allowed = problem.allowed;
  const base = { problem: problem.problem, allowed, ...(problem.values ? { values: problem.values } : {}) };
  if (isEnumType(vt)) {
    const values = problem.values ?? enumValues(vt) ?? [];
    const suggestions = nearest(v, values);
    const accepts = values.length === 0 ? allowed : values.length === 1 ? `only '${values[0]}'` : `one of ${quoteList(values)}`;
    return {
      ...base,
      kind: 'bad-value',
      message: `'${value}' is not a valid ${what}: libvirt accepts ${accepts}.${suggestions.length ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : ''}`,
      suggestions,
    };
  }
  const int = intMember(vt);
  if (int) {
    const decimalOnly = vt.desc.type === 'int' && !hasStringForm(vt);
    const n = decimalOnly ? (/^[+-]?[0-9]+$/.test(v) ? BigInt(v) : undefined) : readInteger(v);
    if (n === undefined) {
      return { ...base, kind: 'bad-value', message: `'${value}' is not a valid ${what}: libvirt expects ${allowed}.`, suggestions: [] };
    }
    if ((int.min !== undefined && n < int.min) || (int.max !== undefined && n > int.max)) {
      return { ...base, kind: 'bad-value', message: `${value} is out of range for ${what}: libvirt expects ${allowed}.`, suggestions: [] };
    }
    // the number is fine, only its writing breaks the schema's pattern (hex where decimal is expected...)
    return {
      ...base,
      kind: 'bad-format',
      message: `'${value}' is not written the way ${schemaName()}'s schema wants for ${what} (${allowed}): libvirt reads it, but virt-xml-validate and \`virsh define --validate\` reject it.`,
      suggestions: [],
    };
  }
  return {
    ...base,
    kind: 'bad-format',
    message: `'${value}' is not ${allowed}, as ${schemaName()}'s schema wants for ${what}: virt-xml-validate and \`virsh define --validate\` reject it; libvirt itself may accept it.`,
    suggestions: [],
  };
}

const valueCache = new WeakMap<AttributeInfo, Map<string, SchemaObjection | null>>();
const textCache = new WeakMap<ValueType, Map<string, SchemaObjection | null>>();

function cached<K extends object>(
  cache: WeakMap<K, Map<string, SchemaObjection | null>>,
  k: K,
  value: string,
  compute: () => SchemaObjection | null
): SchemaObjection | null {
  let m = cache.get(k);
  if (!m) {
    cache.set(k, (m = new Map<string, SchemaObjection | null>()));
  }
  let r = m.get(value);
  if (r === undefined) {
    r = compute();
    if (m.size < 4096) {
      m.set(value, r);
    }
  }
  return r;
}

/** How an attribute's values are judged: by another family, the PCI way, or against the schema. */
type AttrMode = 'skip' | 'pci' | 'schema';
const modeCache = new WeakMap<AttributeInfo, AttrMode>();

function attrMode(info: AttributeInfo): AttrMode {
  let m = modeCache.get(info);
  if (!m) {
    const name = info.type.name;
    // openEuler's retry attributes: the disk family says what fits the flavor
    m = info.vendor !== undefined || (name && OWNED_TYPES.has(name)) ? 'skip' : name && PCI_NUMBER_TYPES.has(name) ? 'pci' : 'schema';
    modeCache.set(info, m);
  }
  return m;
}

function attributeObjection(el: ResolvedElement, info: AttributeInfo, value: string): SchemaObjection | null {
  switch (attrMode(info)) {
    case 'skip':
      return null;
    case 'pci':
      return parseInteger(value, 0) === undefined
        ? {
            kind: 'bad-value',
            message: `'${value}' is not a number: a PCI ${info.name} is written in hexadecimal such as 0x01 (or in decimal).`,
            problem: 'not a number',
            allowed: 'a number in hexadecimal such as 0x01, or in decimal',
            suggestions: [],
          }
        : null;
    case 'schema':
      return cached(valueCache, info, value, () =>
        vendorOnlyValue(info, value) !== undefined ? null : objection(info.type, value, `value for '${info.name}' of <${el.name}>`)
      );
  }
}

// ---------------------------------------------------------------------------
// the verdict

export type ValueStatus = 'ok' | 'error' | 'validate-only';

interface ValueAccepted {
  status: 'ok';
}

export interface ValueRejected {
  /** 'error': libvirt refuses it; 'validate-only': only the schema check does. */
  status: 'error' | 'validate-only';
  /** What the schema objected to, before libvirt's verdict: a value libvirt cannot read, or only its writing. */
  kind: 'bad-value' | 'bad-format';
  /** The verdict table's key for the piece (without the value). */
  key: string;
  /** The value as judged (trimmed). */
  value: string;
  /** The full explanation, as the finding says it. */
  message: string;
  /** What is wrong, in a few words ('not one of the allowed values', 'out of range'...). */
  problem: string;
  /** What would be accepted, in words. */
  allowed: string;
  /** The allowed values, when they are a finite list. */
  values?: readonly string[];
  /** Near allowed values the value may have been meant as. */
  suggestions: readonly string[];
}

export type ValueJudgement = ValueAccepted | ValueRejected;

const OK: ValueAccepted = Object.freeze({ status: 'ok' });

function withVerdict(o: SchemaObjection, key: string, value: string): ValueJudgement {
  const rejected = { ...o, key, value };
  if (o.kind === 'bad-format') {
    return { ...rejected, status: 'validate-only' };
  }
  if (libvirtVerdict(key, value) === 'accept') {
    return {
      ...rejected,
      status: 'validate-only',
      message: `${o.message} libvirt does not refuse such a value (it keeps or drops it), but virt-xml-validate and \`virsh define --validate\` reject it.`,
    };
  }
  return { ...rejected, status: 'error' };
}

/**
 * The verdict on `value` of attribute `info` of the schema element `el`. Judges the value only:
 * that the element's content is one libvirt accepts beyond its schema (see beyondSchema) is the
 * caller's to know, or use judgeAttributeIn, which resolves a document's element itself.
 */
export function judgeAttributeValue(el: ResolvedElement, info: AttributeInfo, value: string, docEl?: XmlElement): ValueJudgement {
  const o = attributeObjection(el, info, value) ?? (docEl ? secretTypeObjection(docEl, info, value) : null);
  if (!o) {
    return OK;
  }
  const v = value.trim();
  if (o.kind === 'bad-value' && ALSO_ACCEPTED.has(`${el.name}@${info.name}=${v}`)) {
    return OK;
  }
  const reader =
    o.kind === 'bad-format' ? (LIBVIRT_READERS[info.type.name ?? ''] ?? LIBVIRT_READERS[`${el.name}@${info.name}`]) : undefined;
  if (reader && !reader(value)) {
    return {
      ...o,
      kind: 'bad-value',
      status: 'error',
      key: `${cachedSignature(el)}@${info.name}=`,
      value: v,
      message: `'${value}' is not ${o.allowed}, as the value for '${info.name}' of <${el.name}> must be: libvirt cannot read it and refuses the domain.`,
    };
  }
  return withVerdict(o, `${cachedSignature(el)}@${info.name}=`, v);
}

/**
 * <secret type> under <auth> must fit the source's protocol (libvirt 9.0, both drivers): an iSCSI
 * source takes only 'iscsi' and an RBD source only 'ceph' ("invalid secret type 'ceph'"), an
 * iSCSI <hostdev> only 'iscsi' ("hostdev invalid secret type"). The schema allows either anywhere.
 */
function secretTypeObjection(el: XmlElement, info: AttributeInfo, value: string): SchemaObjection | null {
  const auth = el.parent;
  if (el.name !== 'secret' || info.name !== 'type' || auth?.name !== 'auth' || !auth.parent) {
    return null;
  }
  const source = auth.parent.name === 'source' ? auth.parent : auth.parent.children.find((c) => c.name === 'source');
  const protocol = source?.attributes.find((a) => a.name === 'protocol')?.value?.trim();
  const needed = protocol === 'iscsi' ? 'iscsi' : protocol === 'rbd' ? 'ceph' : undefined;
  const v = value.trim();
  if (!needed || v === needed || (v !== 'iscsi' && v !== 'ceph')) {
    return null;
  }
  return {
    kind: 'bad-value',
    message: `'${value}' is not a valid secret type for an ${protocol === 'iscsi' ? 'iSCSI' : 'RBD'} source: libvirt accepts only '${needed}' here.`,
    problem: 'not the secret type of this protocol',
    allowed: `'${needed}'`,
    values: [needed],
    suggestions: [needed],
  };
}

/** The verdict on the text content of the schema element `el` (ok when it takes none). */
export function judgeTextValue(el: ResolvedElement, value: string): ValueJudgement {
  if (!el.text || (el.name === 'name' && el.parent?.name === 'domain')) {
    return OK; // no text to judge, or domain-name-invalid's
  }
  const v = value.trim();
  const type = el.text;
  const o = cached(textCache, type, v, () => objection(type, v, `content of <${el.name}>`));
  if (!o) {
    return OK;
  }
  const reader = o.kind === 'bad-format' ? (LIBVIRT_READERS[type.name ?? ''] ?? LIBVIRT_READERS[`${el.name}#text`]) : undefined;
  if (reader && !reader(value)) {
    return {
      ...o,
      kind: 'bad-value',
      status: 'error',
      key: `${cachedSignature(el)}#text=`,
      value: v,
      message: `'${v}' is not ${o.allowed}, as the content of <${el.name}> must be: libvirt cannot read it and refuses the domain.`,
    };
  }
  return withVerdict(o, `${cachedSignature(el)}#text=`, v);
}

// ---------------------------------------------------------------------------
// in a document

/**
 * An element whose content is chosen by a value libvirt accepts beyond its schema
 * (<filesystem type='volume'>): nothing in it, nor below it, is judged against the schema.
 */
export function beyondSchema(el: XmlElement, r: ResolvedElement): boolean {
  return (
    r.unresolved.length > 0 &&
    el.attributes.some((a) => r.unresolved.includes(a.name) && ALSO_ACCEPTED.has(`${el.name}@${a.name}=${(a.value ?? '').trim()}`))
  );
}

/**
 * Resolves a document's element from the root down as the schema rule walks: undefined when
 * the schema does not know it (or an ancestor), 'beyond' when it lies in content libvirt accepts
 * beyond its schema.
 */
function judgedElement(el: XmlElement): ResolvedElement | 'beyond' | undefined {
  const chain = chainTo(el);
  let r = resolveRoot(chain[0]!);
  for (let i = 0; r; i++) {
    if (beyondSchema(chain[i]!, r)) {
      return 'beyond';
    }
    if (i + 1 === chain.length) {
      return r;
    }
    r = childElement(r, stepOf(chain[i + 1]!));
  }
  return undefined;
}

/** Namespace declarations and attributes of other vocabularies (xml:lang, xsi:...): not libvirt's schema's to judge. */
export function foreignAttribute(name: string): boolean {
  return name === 'xmlns' || name.includes(':');
}

/**
 * The verdict on an attribute of a document's element, in its place in the document.
 * undefined when there is nothing to judge: the schema does not know the element or the
 * attribute, the attribute belongs to another vocabulary, or it has no value.
 */
export function judgeAttributeIn(el: XmlElement, attribute: XmlAttribute): ValueJudgement | undefined {
  if (attribute.value === undefined || foreignAttribute(attribute.name)) {
    return undefined;
  }
  const r = judgedElement(el);
  if (r === 'beyond') {
    return OK;
  }
  const info = r?.attributes.get(attribute.name);
  return r && info ? judgeAttributeValue(r, info, attribute.value, el) : undefined;
}

/** The verdict on a document's element's text, in its place in the document; undefined when the schema does not know the element. */
export function judgeTextIn(el: XmlElement): ValueJudgement | undefined {
  const r = judgedElement(el);
  if (r === 'beyond') {
    return OK;
  }
  if (!r) {
    return undefined;
  }
  return el.children.length > 0 || !el.textSpan ? OK : judgeTextValue(r, el.text);
}
