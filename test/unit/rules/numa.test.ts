/**
 * Rule family "numa": guest NUMA cells and what names them. Each case was judged by libvirt
 * 9.0's QEMU driver here (see test/fixtures/rules/numa/).
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const cells = (...c: string[]): string => `  <cpu>\n    <numa>\n${c.map((x) => `      ${x}`).join('\n')}\n    </numa>\n  </cpu>`;

const CASES: RuleCase[] = [
  {
    name: 'cells without ids take their positions: a third cell with id 1 repeats the second',
    xml: domainXml(
      {
        vcpu: '3',
        head: `  <cpu>
    <numa>
      <cell cpus='0' memory='512' unit='MiB'/>
      <cell cpus='1' memory='512' unit='MiB'/>
      <cell id='1' cpus='2' memory='512' unit='MiB'/>
      <!--     ^^^ numa-cell-id-duplicate -->
    </numa>
  </cpu>`,
      },
      ``
    ),
  },
  {
    name: 'cpus with ranges and exclusions: 0-3,^1 on 3 vCPUs names vCPU 3',
    xml: domainXml(
      {
        vcpu: '3',
        head: `  <cpu>
    <numa>
      <cell id='0' cpus='0-3,^1' memory='512' unit='MiB'/>
      <!--              ^^^^^^^^ numa-cpus-range: vCPU 3 -->
    </numa>
  </cpu>`,
      },
      ``
    ),
  },
  {
    name: 'a distance to itself other than 10: the fix sets 10',
    xml: domainXml(
      {
        vcpu: '2',
        head: `${cells(
          `<cell id='0' cpus='0' memory='512' unit='MiB'>
        <distances>
          <sibling id='0' value='15'/>
          <!--                  ^^^^ numa-distance-value -->
        </distances>
      </cell>`,
          `<cell id='1' cpus='1' memory='512' unit='MiB'/>`
        )}`,
      },
      ``
    ),
    fix: { code: 'numa-distance-value', title: 'Set it to 10', contains: `<sibling id='0' value='10'/>` },
  },
  {
    name: 'a hugepage nodeset and a pcie-expander-bus within the cells',
    xml: domainXml(
      {
        machine: 'q35',
        vcpu: '2',
        head: `${cells(`<cell id='0' cpus='0' memory='512' unit='MiB'/>`, `<cell id='1' cpus='1' memory='512' unit='MiB'/>`)}
  <memoryBacking>
    <hugepages>
      <page size='2048' unit='KiB' nodeset='0-1'/>
    </hugepages>
  </memoryBacking>`,
      },
      `    <controller type='pci' index='1' model='pcie-expander-bus'>
      <target busNr='200'>
        <node>1</node>
      </target>
    </controller>`
    ),
  },
  {
    name: 'a pcie-expander-bus for a node of a guest without NUMA cells',
    xml: domainXml(
      { machine: 'q35' },
      `    <controller type='pci' index='1' model='pcie-expander-bus'>
      <target busNr='200'>
        <node>0</node>
        <!--  ^ numa-expander-node: no NUMA cells -->
      </target>
    </controller>`
    ),
  },
];

runRuleCases('numa', CASES);
