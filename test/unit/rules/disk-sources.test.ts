/**
 * Rule family "disk-sources": storage sources the QEMU driver refuses. Each case was judged by
 * libvirt 9.0's QEMU driver here (see test/fixtures/rules/disk-sources/).
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'a volume disk takes its format from the pool: only an explicit cow/dir/iso is judged',
    xml: domainXml(
      {},
      `    <disk type='volume' device='disk'>
      <driver name='qemu' type='fat'/>
      <source pool='default' volume='a.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>`
    ),
  },
  {
    name: 'librbd encryption on a network disk is taken (libvirt only refuses it off the network)',
    xml: domainXml(
      {},
      `    <disk type='network' device='disk'>
      <driver name='qemu' type='raw'/>
      <source protocol='rbd' name='pool/image'>
        <host name='mon.example' port='6789'/>
        <encryption format='luks2' engine='librbd'>
          <secret type='passphrase' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f'/>
        </encryption>
      </source>
      <target dev='vda' bus='virtio'/>
    </disk>`
    ),
  },
  {
    name: 'a metadata cache of 0 bytes is no cache: taken on raw',
    xml: domainXml(
      {},
      `    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'>
        <metadata_cache>
          <max_size unit='bytes'>0</max_size>
        </metadata_cache>
      </driver>
      <source file='/var/lib/libvirt/images/a.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>`
    ),
  },
];

runRuleCases('disk-sources', CASES);
