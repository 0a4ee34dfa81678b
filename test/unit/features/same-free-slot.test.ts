/**
 * One allocator: for the same document, the quick fix that moves a device, the slot values
 * completion offers for that device's address, and the address a new device template gets all
 * name the same first free slot.
 */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze } from '../../../server/src/analysis';
import { complete } from '../../../server/src/features/completion';
import { snippetText } from '../../../server/src/features/templates';
import { cursor } from '../../support/cursor';

const nic = (slot: string): string =>
  `    <interface type='network'>\n      <source network='default'/>\n      <model type='virtio'/>\n      <address type='pci' domain='0x0000' bus='0x00' slot='${slot}' function='0x0'/>\n    </interface>\n`;

function domain(machine: string, devices: string): string {
  return `<domain type='kvm'>\n  <name>same-slot</name>\n  <memory unit='MiB'>1024</memory>\n  <vcpu>1</vcpu>\n  <os>\n    <type arch='x86_64' machine='${machine}'>hvm</type>\n  </os>\n  <devices>\n${devices}    $1\n  </devices>\n</domain>\n`;
}

const CASES = [
  { name: 'pc, a duplicate at 0x03 with 0x04 taken', machine: 'pc', devices: nic('0x03') + nic('0x04') + nic('0x03'), moved: 2 },
  { name: 'pc, a NIC on the PIIX3 slot', machine: 'pc', devices: nic('0x03') + nic('0x01') + nic('0x05'), moved: 1 },
  { name: 'q35, a duplicate, no root ports', machine: 'q35', devices: nic('0x03') + nic('0x03') + nic('0x06'), moved: 1 },
];

describe('quick fix, completion and templates agree on the free slot', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const marked = domain(c.machine, c.devices);
      const { text, marks } = cursor(marked.replace('$1', '$0'));
      const analysis = analyze(text, { flavor: 'upstream' });
      // The quick fix of the moved device.
      const fixes = analysis.findings.flatMap((f) => f.fixes ?? []).filter((f) => /^Move to free slot/.test(f.title));
      assert.ok(fixes.length > 0, 'a move fix');
      const fromFix = /slot (0x[0-9a-f]+)/.exec(fixes[0]!.title)![1];
      // Completion of the slot value of that device's address.
      const slotAttrs = [...text.matchAll(/slot='(0x[0-9a-f]+)'/g)];
      const target = slotAttrs[c.moved]!;
      const valueStart = target.index + "slot='".length;
      const edited = text.slice(0, valueStart) + text.slice(valueStart + target[1]!.length);
      const values = complete(analyze(edited, { flavor: 'upstream' }), valueStart, { flavor: 'upstream' })
        .filter((x) => x.kind === 'value')
        .sort((a, b) => a.sortText.localeCompare(b.sortText));
      assert.ok(values.length > 0, 'slot values');
      const fromCompletion = values[0]!.label;
      // A new PCI passthrough device from its template, offered at the empty line.
      const offset = marks.get(0)!;
      const templates = complete(analysis, offset, { flavor: 'upstream', triggerCharacter: undefined }).filter(
        (x) => x.templateId === 'hostdev-pci'
      );
      const doc = analyze(text.slice(0, offset) + '<' + text.slice(offset), { flavor: 'upstream' });
      const viaLt = complete(doc, offset + 1, { flavor: 'upstream', triggerCharacter: '<' }).filter((x) => x.templateId === 'hostdev-pci');
      const template = [...templates, ...viaLt][0];
      assert.ok(template, 'the hostdev-pci template');
      const fromTemplate = /<address type='pci' domain='0x0000' bus='0x00' slot='(0x[0-9a-f]+)'/.exec(snippetText(template.insert))?.[1];
      assert.deepEqual(
        { fix: fromFix, completion: fromCompletion, template: fromTemplate },
        {
          fix: fromFix,
          completion: fromFix,
          template: fromFix,
        }
      );
    });
  }
});
