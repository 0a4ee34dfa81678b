/**
 * Rule family "filesystems": small cases with caret markers naming exactly the findings expected;
 * near misses expect none. What libvirt 9.0's QEMU driver refuses in a <filesystem>.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'an external virtiofsd may be read-only but takes no model; squash is no virtiofs access mode; private memory',
    xml: domainXml(
      {},
      `    <filesystem type='mount'>
      <driver type='virtiofs'/>
<!--               ^^^^^^^^^^ filesystem-shared-memory-missing -->
      <source socket='/run/fs.sock'/>
      <target dir='a'/>
      <readonly/>
    </filesystem>
    <filesystem type='mount' model='virtio'>
<!--                               ^^^^^^^^ filesystem-option-unsupported -->
      <driver type='virtiofs'/>
      <source socket='/run/fs2.sock'/>
      <target dir='b'/>
    </filesystem>
    <filesystem accessmode='squash'>
<!--                       ^^^^^^^^ filesystem-option-unsupported -->
      <driver type='virtiofs'/>
      <source dir='/srv/a'/>
      <target dir='c'/>
    </filesystem>`
    ),
  },
  {
    name: 'a NUMA cell without memAccess and no shared memoryBacking; 9p shares may repeat a tag',
    xml: domainXml(
      {
        machine: 'q35',
        vcpu: '2',
        head: `  <cpu>
    <numa>
      <cell id='0' cpus='0' memory='512' unit='MiB'/>
      <cell id='1' cpus='1' memory='512' unit='MiB' memAccess='shared'/>
    </numa>
  </cpu>`,
      },
      `    <filesystem>
      <driver type='virtiofs'/>
<!--               ^^^^^^^^^^ filesystem-shared-memory-missing -->
      <source dir='/srv/a'/>
      <target dir='a'/>
    </filesystem>
    <filesystem>
      <source dir='/srv/b'/>
      <target dir='b'/>
    </filesystem>
    <filesystem>
      <source dir='/srv/c'/>
      <target dir='b'/>
    </filesystem>`
    ),
  },
  {
    name: 'near misses: shared memoryBacking, virtiofs boot order, 9p mapped with fmode, fmode 0 without mapped',
    xml: domainXml(
      {
        head: `  <memoryBacking>
    <access mode='shared'/>
  </memoryBacking>`,
      },
      `    <filesystem type='mount'>
      <driver type='virtiofs'/>
      <source dir='/srv/a'/>
      <target dir='a'/>
      <boot order='1'/>
    </filesystem>
    <filesystem type='mount' accessmode='mapped' dmode='0755'>
      <source dir='/srv/b'/>
      <target dir='b'/>
    </filesystem>
    <filesystem type='mount' fmode='0'>
      <source dir='/srv/c'/>
      <target dir='c'/>
    </filesystem>`
    ),
  },
];

runRuleCases('filesystems', CASES);
