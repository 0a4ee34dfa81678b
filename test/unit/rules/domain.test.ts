/**
 * Rule family "domain": small cases, each a domain (or fragment) with caret markers naming
 * exactly the findings expected (see test/support/markers.ts); near misses expect none.
 * cpu-topology-mismatch, domain-name-invalid, domain-name-style, graphics-vnc-open.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'topology product differs from vcpu',
    xml: domainXml(
      {
        head: `  <cpu>
    <topology sockets='1' dies='2' cores='2' threads='1'/>
<!-- ^^^^^^^^ cpu-topology-mismatch: = 4 vCPUs -->
  </cpu>`,
        vcpu: '6',
      },
      ``
    ),
    fix: { code: 'cpu-topology-mismatch', title: `Set <vcpu> to 4`, contains: `<vcpu>4</vcpu>` },
  },
  {
    name: 'topology matches the maximum, not current',
    xml: domainXml(
      {
        head: `  <vcpu current='1'>8</vcpu>
  <cpu>
    <topology sockets='2' cores='2' threads='2'/>
  </cpu>`,
        vcpu: undefined,
      },
      ``
    ),
  },
  {
    name: 'a name with a slash',
    xml: `<domain type='kvm'>
  <name>db/1</name>
  <!--  ^^^^ domain-name-invalid: '/' -->
  <memory unit='MiB'>1024</memory>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
</domain>
`,
    fix: { code: 'domain-name-invalid', title: `Replace with -`, contains: `<name>db-1</name>` },
  },
  {
    name: 'a name with a line break inside',
    xml: `<domain type='kvm'>
  <name>db&#10;1</name>
  <!--  ^^^^^^^^ domain-name-invalid: line break -->
  <memory unit='MiB'>1024</memory>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
</domain>
`,
    fix: { code: 'domain-name-invalid', title: `Replace with -`, contains: `<name>db-1</name>` },
  },
  {
    name: 'the openEuler naming advice',
    xml: `<domain type='kvm'>
  <name>db.example.com</name>
  <!--  ^^^^^^^^^^^^^^ domain-name-style: "." -->
  <memory unit='MiB'>1024</memory>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
</domain>
`,
  },
  {
    name: '64 characters, letters digits _ - :',
    xml: `<domain type='kvm'>
  <name>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa_-:1</name>
  <memory unit='MiB'>1024</memory>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
</domain>
`,
  },
  {
    name: 'vnc open to all, no password',
    xml: domainXml(
      { machine: 'q35' },
      `    <graphics type='vnc' port='-1' listen='0.0.0.0'>
    <!--                                  ^^^^^^^^^ graphics-vnc-open -->
      <listen type='address' address='0.0.0.0'/>
    </graphics>`
    ),
    fix: {
      code: 'graphics-vnc-open',
      title: `Listen on 127.0.0.1 only`,
      contains: `<listen type='address' address='127.0.0.1'/>`,
      lacks: `0.0.0.0`,
    },
  },
  {
    name: 'vnc open through a <listen> child only; an empty passwd is no password',
    xml: domainXml(
      { machine: 'q35' },
      `    <graphics type='vnc' port='-1' passwd=''>
      <listen type='address' address='::'/>
      <!--                           ^^^^ graphics-vnc-open -->
    </graphics>`
    ),
  },
  {
    name: 'vnc with a password, on localhost, on a socket; spice open',
    xml: domainXml(
      { machine: 'q35' },
      `    <graphics type='vnc' listen='0.0.0.0' passwd='12345678'/>
    <graphics type='vnc' listen='127.0.0.1'/>
    <graphics type='vnc'>
      <listen type='socket'/>
    </graphics>
    <graphics type='spice' listen='0.0.0.0'/>`
    ),
  },
  {
    name: 'current vCPUs above the maximum: the fix lowers current',
    xml: domainXml(
      {
        vcpu: undefined,
        head: `  <vcpu placement='static' current='8'>4</vcpu>
  <!--                             ^^^ vcpu-current-above-max -->`,
      },
      ``
    ),
    fix: { code: 'vcpu-current-above-max', title: 'Set current to 4', contains: `current='4'>4</vcpu>` },
  },
  {
    name: 'a cachetune naming no vCPU of the guest is dropped by libvirt: type qemu does not matter then',
    xml: `<domain type='qemu'>
  <name>case</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <cputune>
    <cachetune vcpus='3'>
      <cache id='0' level='3' type='both' size='1' unit='MiB'/>
    </cachetune>
  </cputune>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
</domain>
`,
  },
  {
    name: 'a panic device without model= is the isa one on x86',
    xml: domainXml(
      {},
      `    <panic/>
    <panic model='isa'/>
 <!--^^^^^ device-single-duplicate: 'isa' -->
    <panic model='hyperv'/>`
    ),
  },
  {
    name: 'TSEG in bytes: one byte short of 1 MiB is refused, though it rounds up to 1024 KiB',
    xml: domainXml(
      {
        machine: 'q35',
        head: `  <features>
    <smm>
      <tseg unit='B'>1048575</tseg>
      <!--           ^^^^^^^ features-smm-tseg: 1048575 B -->
    </smm>
  </features>`,
      },
      ``
    ),
  },
  {
    name: 'TSEG of 0 MiB on q35 is taken; a TSEG with SMM off is not read at all',
    xml: domainXml({ machine: 'q35', head: `  <features>\n    <smm><tseg>0</tseg></smm>\n  </features>` }, ``),
  },
];

runRuleCases('domain', CASES);
