/**
 * Rule family "sizes": small cases with caret markers naming exactly the findings expected;
 * near misses expect none. shmem-size-at-start and nic-queue-size (libvirt 9.0 here).
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const shmem = (size: string, marker = ''): string =>
  `    <shmem name='s'>
      <model type='ivshmem-plain'/>
      ${size}${marker ? `\n      ${marker}` : ''}
    </shmem>`;

const CASES: RuleCase[] = [
  {
    name: 'shmem sizes: 6 MiB, 1000 KB (decimal), bytes under 1 MiB; the fix rounds up to a power of two in MiB',
    xml: domainXml(
      { machine: 'q35' },
      [
        shmem("<size unit='MiB'>6</size>", '<!--             ^ shmem-size-at-start: at start -->'),
        shmem("<size unit='KB'>1000</size>", '<!--            ^^^^ shmem-size-at-start -->'),
        shmem('<size>65536</size>', '<!--  ^^^^^ shmem-size-at-start: under 1 MiB -->'),
      ].join('\n')
    ),
    fix: { code: 'shmem-size-at-start', title: 'Use 8 MiB', contains: "<size unit='M'>8</size>" },
  },
  {
    name: 'shmem sizes that are fine: powers of two in any unit, 1 GiB in bytes, no size',
    xml: domainXml(
      { machine: 'q35' },
      [
        shmem("<size unit='M'>4</size>"),
        shmem("<size unit='KiB'>2048</size>"),
        shmem("<size unit='g'>1</size>"),
        shmem('<size>1073741824</size>'),
        "    <shmem name='t'>\n      <model type='ivshmem-plain'/>\n    </shmem>",
      ].join('\n')
    ),
  },
  {
    name: 'queue sizes on virtio NICs (any spelling of the model), not on others',
    xml: domainXml(
      { machine: 'q35' },
      `    <interface type='user'>
      <model type='Virtio'/>
      <driver tx_queue_size='1000'/>
      <!--                  ^^^^^^ nic-queue-size: Use 1024 -->
    </interface>
    <interface type='user'>
      <model type='virtio-non-transitional'/>
      <driver rx_queue_size='129'/>
      <!--                  ^^^^^ nic-queue-size: Use 128 -->
    </interface>
    <interface type='user'>
      <model type='rtl8139'/>
      <driver rx_queue_size='129'/>
    </interface>
    <interface type='user'>
      <model type='virtio'/>
      <driver rx_queue_size='256' tx_queue_size='1024'/>
    </interface>`
    ),
    fix: { code: 'nic-queue-size', title: 'Use 1024', contains: "tx_queue_size='1024'" },
  },
];

runRuleCases('sizes', CASES);
