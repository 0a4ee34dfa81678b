/**
 * Rule family "firmware": small cases around libvirt's firmware selection, each a domain with caret markers naming exactly the findings expected.
 */
import { runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: "firmware='efi' with a loader's readonly= and type=: both are refused",
    xml: `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os firmware='efi'>
    <type arch='x86_64' machine='q35'>hvm</type>
    <loader readonly='yes' type='pflash'/>
<!--                 ^^^^^ firmware-autoselect-conflict: readonly= -->
<!--                            ^^^^^^^^ firmware-autoselect-conflict: type= -->
  </os>
  <features>
    <acpi/>
  </features>
  <devices>
  </devices>
</domain>
`,
  },
  {
    name: "secure boot chosen by firmware='efi' needs no <smm> (the firmware choice turns it on)",
    xml: `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os firmware='efi'>
    <type arch='x86_64' machine='q35'>hvm</type>
    <loader secure='yes'/>
  </os>
  <features>
    <acpi/>
  </features>
  <devices>
  </devices>
</domain>
`,
  },
  {
    name: "a stateless loader picked by firmware='efi' still takes no <nvram>",
    xml: `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os firmware='efi'>
    <type arch='x86_64' machine='q35'>hvm</type>
    <loader stateless='yes'/>
    <nvram>/var/lib/libvirt/qemu/nvram/c_VARS.fd</nvram>
<!-- ^^^^^ loader-stateless-conflict -->
  </os>
  <features>
    <acpi/>
  </features>
  <devices>
  </devices>
</domain>
`,
  },
  {
    name: "stateless='no' on a pflash loader named by hand is fine",
    xml: `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <loader readonly='yes' type='pflash' stateless='no'>/usr/share/OVMF/OVMF_CODE.fd</loader>
  </os>
  <features>
    <acpi/>
  </features>
  <devices>
  </devices>
</domain>
`,
  },
  {
    name: 'useserial with a virtio console only: no serial port',
    xml: `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <bios useserial='yes'/>
<!--                ^^^^^ bios-serial-missing -->
  </os>
  <devices>
    <console type='pty'>
      <target type='virtio'/>
    </console>
  </devices>
</domain>
`,
  },
  {
    name: 'useserial with a serial console: the console is the serial port',
    xml: `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <bios useserial='yes'/>
  </os>
  <devices>
    <console type='pty'>
      <target type='serial'/>
    </console>
  </devices>
</domain>
`,
  },
  {
    name: 'an NVRAM file on a network disk is fine',
    xml: `<domain type='kvm'>
  <name>c</name>
  <memory unit='MiB'>1024</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>
    <nvram type='network'>
      <source protocol='iscsi' name='iqn.2013-07.com.example:iscsi-nopool/0'>
        <host name='example.com' port='3260'/>
      </source>
    </nvram>
  </os>
  <features>
    <acpi/>
  </features>
  <devices>
  </devices>
</domain>
`,
  },
];

runRuleCases('firmware', CASES);
