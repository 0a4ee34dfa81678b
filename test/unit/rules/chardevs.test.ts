/**
 * Rule family "chardevs": small cases with caret markers naming exactly the findings expected;
 * near misses expect none. chardev-source-missing, as libvirt 9.0 validates a chardev's source.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'dev and pipe without a path, tcp without a host, unix serial without a path',
    xml: domainXml(
      {},
      `    <serial type='dev'>
      <!--       ^^^^^ chardev-source-missing: device -->
      <target port='0'/>
    </serial>
    <parallel type='pipe'>
      <source/>
  <!-- ^^^^^^ chardev-source-missing: pipe -->
      <target port='0'/>
    </parallel>
    <serial type='tcp'>
      <source mode='connect' service='4555'/>
  <!-- ^^^^^^ chardev-source-missing: source host -->
      <target port='1'/>
    </serial>
    <serial type='unix'>
      <source mode='connect'/>
  <!-- ^^^^^^ chardev-source-missing: socket path -->
      <target port='2'/>
    </serial>`
    ),
  },
  {
    name: 'a console that is not serial 0: the first console on virtio, or a second serial console',
    xml: domainXml(
      {},
      `    <serial type='pty'>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
    <console type='file'>
      <!--        ^^^^^^ chardev-source-missing -->
      <target type='virtio' port='1'/>
    </console>`
    ),
  },
  {
    name: 'near misses: paths, host and service, virtio and xen unix channels, udp connect without mode, pty, spicevmc with SPICE graphics',
    xml: domainXml(
      {},
      `    <serial type='dev'>
      <source path='/dev/ttyS0'/>
      <target port='0'/>
    </serial>
    <serial type='tcp'>
      <source mode='bind' host='0.0.0.0' service='4555'/>
      <target port='1'/>
    </serial>
    <serial type='udp'>
      <source host='127.0.0.1' service='4556'/>
      <target port='2'/>
    </serial>
    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
    <channel type='unix'>
      <target type='xen' name='org.example.xen'/>
    </channel>
    <channel type='spicevmc'>
      <target type='virtio' name='com.redhat.spice.0'/>
    </channel>
    <graphics type='spice'/>
    <console type='pty'/>`
    ),
  },
  {
    name: 'chardev-target-invalid, chardev-source-invalid and chardev-element-duplicate: sclp off s390, a dbus channel without a name, unix reconnect while listening, two logs',
    xml: domainXml(
      {},
      `    <serial type='pty'>
      <target type='sclp-serial'/>
      <!--         ^^^^^^^^^^^^^ chardev-target-invalid: sclp-serial -->
    </serial>
    <channel type='dbus'>
<!-- ^^^^^^^ chardev-source-invalid: channel -->
      <target type='virtio' name='org.example.dbus'/>
    </channel>
    <channel type='unix'>
      <source mode='bind' path='/run/c.sock'>
        <reconnect enabled='no'/>
    <!-- ^^^^^^^^^ chardev-source-invalid: listens -->
      </source>
      <log file='/var/log/a.log'/>
      <log file='/var/log/b.log'/>
  <!-- ^^^ chardev-element-duplicate -->
      <target type='virtio' name='org.example.unix'/>
    </channel>`
    ),
  },
];

runRuleCases('chardevs', CASES);
