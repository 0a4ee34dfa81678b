/**
 * Rule family "models": small cases, each a domain (or fragment) with caret markers naming
 * exactly the findings expected (see test/support/markers.ts); near misses expect none.
 * nic-model-unknown: NIC model names QEMU for x86 does not have (libvirt 9.0 + QEMU 7.2 here).
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const nic = (model: string, marker = ''): string =>
  `    <interface type='user'>
      <model type='${model}'/>${marker ? `\n      ${marker}` : ''}
    </interface>`;

const CASES: RuleCase[] = [
  {
    name: 'a misspelt virtio, with the fix',
    xml: domainXml({ machine: 'q35' }, nic('virtoi', '<!--        ^^^^^^^^ nic-model-unknown: at start -->')),
    fix: { code: 'nic-model-unknown', title: "Use 'virtio'", contains: "<model type='virtio'/>" },
  },
  {
    name: 'names of other hypervisors and near misses of QEMU names',
    xml: domainXml(
      {},
      [
        nic('vmxnet', '<!--        ^^^^^^^^ nic-model-unknown -->'),
        nic('netfront', '<!--        ^^^^^^^^^^ nic-model-unknown -->'),
        nic('82540EM', '<!--        ^^^^^^^^^ nic-model-unknown -->'),
        nic('Ne2k_pci', '<!--        ^^^^^^^^^^ nic-model-unknown -->'),
        nic('virtio-net-device', '<!--        ^^^^^^^^^^^^^^^^^^^ nic-model-unknown -->'),
      ].join('\n')
    ),
    fix: { code: 'nic-model-unknown', title: "Use 'vmxnet3'", contains: "'vmxnet3'" },
  },
  {
    name: 'no guess for a name near nothing',
    xml: domainXml({}, nic('foobarbaz', '<!--        ^^^^^^^^^^^ nic-model-unknown: use virtio -->')),
  },
  {
    name: "what QEMU takes: libvirt's names in any case, QEMU's device names as written; a hostdev interface's model",
    xml: domainXml(
      { machine: 'q35' },
      [
        'virtio',
        'VIRTIO',
        'virtio-transitional',
        'virtio-non-transitional',
        'e1000',
        'e1000e',
        'rtl8139',
        'vmxnet3',
        'e1000-82544gc',
        'i82559er',
        'ne2k_pci',
        'pcnet',
        'virtio-net-pci',
      ]
        .map((m) => nic(m))
        .join('\n') +
        `
    <interface type='hostdev' managed='yes'>
      <source>
        <address type='pci' domain='0x0000' bus='0x06' slot='0x02' function='0x0'/>
      </source>
      <model type='whatever'/>
    </interface>`
    ),
  },
  {
    name: 'not judged: other architectures',
    xml: `<domain type='kvm'>
  <name>case</name>
  <memory unit='MiB'>1024</memory>
  <os>
    <type arch='aarch64' machine='virt'>hvm</type>
  </os>
  <devices>
${nic('lan9118')}
  </devices>
</domain>
`,
  },
  {
    name: 'not judged: other hypervisors',
    xml: `<domain type='xen'>
  <name>case</name>
  <memory unit='MiB'>1024</memory>
  <os>
    <type arch='x86_64'>hvm</type>
  </os>
  <devices>
${nic('netfront')}
  </devices>
</domain>
`,
  },
  {
    name: 'fragment',
    xml: `<!-- lint: machine=q35 -->
<interface type='user'>
  <model type='e1000-e'/>
  <!--        ^^^^^^^^^ nic-model-unknown: e1000e -->
</interface>
`,
  },
  {
    name: 'vhostuser without a model; virtio options on a sata disk and an sd disk without bus=',
    xml: domainXml(
      { machine: 'q35' },
      `    <interface type='vhostuser'>
<!-- ^^^^^^^^^ nic-vhostuser-model: needs <model type='virtio'/> -->
      <source type='unix' path='/run/vhost-user/sock0' mode='client'/>
    </interface>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' ioeventfd='on'/>
      <!--                             ^^^^^^^^^^^^^^ virtio-option-non-virtio: 'sata' -->
      <target dev='sda' bus='sata'/>
      <source file='/var/lib/libvirt/images/case.img'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' page_per_vq='on'/>
      <!--                             ^^^^^^^^^^^^^^^^ virtio-option-non-virtio: 'scsi' -->
      <target dev='sdb'/>
      <source file='/var/lib/libvirt/images/case.img'/>
    </disk>`
    ),
    fix: {
      code: 'nic-vhostuser-model',
      title: "Add <model type='virtio'/>",
      contains: "<model type='virtio'/>\n      <source type='unix'",
    },
  },
];

runRuleCases('models', CASES);
