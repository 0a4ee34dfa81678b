/**
 * Rule family "qemu-namespace": the QEMU driver's own elements. Each case was judged by libvirt
 * 9.0's QEMU driver here (see test/fixtures/rules/qemu-namespace/).
 */
import { runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'any prefix bound to the QEMU namespace is read; an unbound qemu: prefix is not judged here',
    xml: `<domain type='kvm' xmlns:q='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>case</name>
  <memory unit='MiB'>1024</memory>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
  </os>
  <q:override>
    <q:device alias='ua-disk0'>
      <q:frontend>
        <q:property name='share-rw' type='bool' value='on'/>
        <!--                                          ^^^^ qemu-namespace-invalid: 'on' -->
      </q:frontend>
    </q:device>
  </q:override>
</domain>`,
  },
];

runRuleCases('qemu-namespace', CASES);
