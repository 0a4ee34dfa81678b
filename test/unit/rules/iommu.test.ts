/**
 * Rule family "iommu": small cases with caret markers naming exactly the findings expected;
 * near misses expect none. What libvirt 9.0 (QEMU driver) checks of an <iommu>.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const ACPI = '  <features>\n    <acpi/>\n  </features>';

const CASES: RuleCase[] = [
  {
    name: 'virtio and smmuv3 on an i440fx machine; a virtio IOMMU without ACPI',
    xml: domainXml(
      { machine: 'pc' },
      `    <iommu model='virtio'/>
    <!--         ^^^^^^^^ iommu-machine: q35 or an ARM virt -->
    <!--         ^^^^^^^^ iommu-requirement: ACPI -->`
    ),
  },
  {
    name: 'smmuv3 on q35, with intel-only settings',
    xml: domainXml(
      { machine: 'pc-q35-7.2', head: ACPI },
      `    <iommu model='smmuv3'>
    <!--         ^^^^^^^^ iommu-machine: ARM virt -->
      <driver iotlb='on' aw_bits='48'/>
      <!--    ^^^^^^^^^^ iommu-option-unsupported: 'iotlb' -->
      <!--               ^^^^^^^^^^^^ iommu-option-unsupported: 'aw_bits' -->
    </iommu>`
    ),
    fix: { code: 'iommu-option-unsupported', title: 'Remove iotlb', contains: "<driver aw_bits='48'/>" },
  },
  {
    name: "intremap='on' without the split I/O APIC",
    xml: domainXml(
      { machine: 'q35', head: ACPI },
      `    <iommu model='intel'>
      <driver intremap='on'/>
      <!--    ^^^^^^^^^^^^^ iommu-requirement: ioapic -->
    </iommu>`
    ),
  },
  {
    name: 'a virtio IOMMU with a drive address',
    xml: domainXml(
      { machine: 'q35', head: ACPI },
      `    <iommu model='virtio'>
      <address type='drive' controller='0' bus='0' target='0' unit='0'/>
  <!-- ^^^^^^^ iommu-option-unsupported: 'pci' -->
    </iommu>`
    ),
  },
  {
    name: 'the ACPI fix adds <acpi/> to <features>',
    xml: domainXml(
      { machine: 'q35', head: '  <features>\n    <pae/>\n  </features>' },
      `    <iommu model='virtio'/>
    <!--         ^^^^^^^^ iommu-requirement -->`
    ),
    fix: { code: 'iommu-requirement', title: 'Add <acpi/> to <features>', contains: '<acpi/>\n    <pae/>' },
  },
  {
    name: 'near misses: intel on q35 (machine written as pc-q35-*), virtio on ARM virt is not judged as x86',
    xml: domainXml(
      { machine: 'pc-q35-7.2', head: ACPI },
      "    <iommu model='intel'>\n      <driver caching_mode='on' iotlb='on'/>\n    </iommu>"
    ),
  },
  {
    name: 'ARM virt takes smmuv3 and virtio',
    xml: `<domain type='kvm'>
  <name>case</name>
  <memory unit='MiB'>1024</memory>
  <features>
    <acpi/>
  </features>
  <os>
    <type arch='aarch64' machine='virt-7.2'>hvm</type>
  </os>
  <devices>
    <iommu model='smmuv3'/>
  </devices>
</domain>
`,
  },
  {
    name: 'a fragment without a configured machine is not judged against one',
    xml: `<iommu model='intel'/>\n`,
  },
];

runRuleCases('iommu', CASES);
