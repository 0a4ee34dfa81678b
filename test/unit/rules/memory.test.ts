/**
 * Rule family "memory": the memory size, memory hotplug (<maxMemory>) and memory devices.
 * Each case was judged by libvirt 9.0's QEMU driver here (see test/fixtures/rules/memory/).
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const NUMA = `  <cpu>
    <numa>
      <cell id='0' cpus='0' memory='512' unit='MiB'/>
      <cell id='1' cpus='1' memory='512' unit='MiB'/>
    </numa>
  </cpu>
  <features>
    <acpi/>
  </features>`;
const dimm = (node: string, extra = ''): string => `    <memory model='dimm'>
      <target>
        <size unit='MiB'>256</size>
        <node>${node}</node>
      </target>${extra}
    </memory>`;

const CASES: RuleCase[] = [
  {
    name: 'maxMemory without slots: a fix adds them',
    xml: domainXml(
      {
        vcpu: '2',
        head: `     <maxMemory unit='GiB'>4</maxMemory>
<!--  ^^^^^^^^^ memory-max-slots-missing -->
${NUMA}`,
      },
      ``
    ),
    fix: { code: 'memory-max-slots-missing', title: `Add slots='16'`, contains: `<maxMemory slots='16' unit='GiB'>4</maxMemory>` },
  },
  {
    name: 'sizes in other units: 1 GiB of cells + 256 MiB of DIMM fit in 1310720 KiB',
    xml: domainXml({ vcpu: '2', head: `  <maxMemory slots='2'>1310720</maxMemory>\n${NUMA}` }, dimm('1')),
  },
  {
    name: 'one KiB short',
    xml: domainXml(
      {
        vcpu: '2',
        head: `  <maxMemory slots='2' unit='KiB'>1310719</maxMemory>
  <!--                            ^^^^^^^ memory-max-too-small -->
${NUMA}`,
      },
      dimm('1')
    ),
  },
  {
    name: 'a DIMM whose slot is taken by an explicit address of a later DIMM',
    xml: domainXml(
      { vcpu: '2', head: `  <maxMemory slots='2' unit='GiB'>4</maxMemory>\n${NUMA}` },
      `${dimm('0', "\n      <address type='dimm' slot='1'/>")}
    <memory model='dimm'>
      <target>
        <size unit='MiB'>256</size>
        <node>1</node>
      </target>
      <address type='dimm' slot='1'/>
      <!--                      ^^^ memory-address-duplicate -->
    </memory>`
    ),
  },
  {
    name: 'virtio-mem counts against the slots and needs a node, but not ACPI',
    xml: domainXml(
      {
        vcpu: '2',
        machine: 'q35',
        head: `  <maxMemory slots='1' unit='GiB'>4</maxMemory>\n${NUMA.replace(/ {2}<features>[\s\S]*<\/features>/, '')}`,
      },
      `    <memory model='virtio-mem'>
<!-- ^^^^^^ memory-target-node-missing -->
      <target>
        <size unit='MiB'>256</size>
        <block unit='MiB'>2</block>
        <requested unit='MiB'>0</requested>
      </target>
    </memory>
    <memory model='dimm'>
<!-- ^^^^^^ memory-slot-range -->
<!-- ^^^^^^ memory-dimm-acpi-at-start -->
      <target>
        <size unit='MiB'>256</size>
        <node>0</node>
      </target>
    </memory>`
    ),
  },
  {
    name: 'features without <acpi/> on q35',
    xml: domainXml(
      { vcpu: '2', machine: 'q35', head: `  <maxMemory slots='2' unit='GiB'>4</maxMemory>\n${NUMA.replace('<acpi/>', '<apic/>')}` },
      `    <memory model='dimm'>
<!-- ^^^^^^ memory-dimm-acpi-at-start -->
      <target>
        <size unit='MiB'>256</size>
        <node>0</node>
      </target>
    </memory>`
    ),
  },
];

runRuleCases('memory', CASES);
