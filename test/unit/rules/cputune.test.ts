/**
 * Rule family "cputune": vCPU and I/O thread tuning. Each case was judged by libvirt 9.0's QEMU
 * driver here (see test/fixtures/rules/cputune/).
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'I/O thread ids: <iothreadids> first, then the lowest free ids up to <iothreads>',
    xml: domainXml(
      {
        vcpu: '2',
        head: `  <iothreads>3</iothreads>
  <iothreadids>
    <iothread id='2'/>
  </iothreadids>
  <cputune>
    <iothreadpin iothread='1' cpuset='0'/>
    <iothreadpin iothread='2' cpuset='0'/>
    <iothreadpin iothread='3' cpuset='0'/>
    <iothreadpin iothread='4' cpuset='0'/>
    <!--                  ^^^ cputune-iothread-missing: 1-3 -->
  </cputune>`,
      },
      ``
    ),
  },
  {
    name: 'no <vcpu>: one vCPU, so vcpusched for vCPU 1 names a missing one',
    xml: domainXml(
      {
        vcpu: undefined,
        head: `  <cputune>
    <vcpusched vcpus='0-1' scheduler='fifo' priority='1'/>
    <!--             ^^^^^ cputune-vcpu-missing: vCPU 1 -->
  </cputune>`,
      },
      ``
    ),
  },
  {
    name: 'vcpusched ranges that touch but do not overlap',
    xml: domainXml(
      {
        vcpu: '4',
        head: `  <cputune>
    <vcpusched vcpus='0-1' scheduler='fifo' priority='1'/>
    <vcpusched vcpus='2,^3' scheduler='rr' priority='1'/>
    <vcpusched vcpus='3' scheduler='batch'/>
  </cputune>`,
      },
      ``
    ),
  },
  {
    name: "a memorytune may share a cachetune's exact vCPUs, and a memory bandwidth monitor the vCPUs of a cache monitor",
    xml: domainXml(
      {
        vcpu: '2',
        head: `  <cputune>
    <cachetune vcpus='0-1'>
      <cache id='0' level='3' type='both' size='3' unit='MiB'/>
      <monitor level='3' vcpus='0'/>
    </cachetune>
    <memorytune vcpus='0-1'>
      <node id='0' bandwidth='50'/>
      <monitor vcpus='0'/>
    </memorytune>
  </cputune>`,
      },
      ``
    ),
  },
  {
    name: 'thread_pool_min without thread_pool_max (libvirt compares it with an unset maximum of -1)',
    xml: domainXml(
      {
        vcpu: '2',
        head: `  <iothreads>1</iothreads>
  <iothreadids>
    <iothread id='1' thread_pool_min='2'/>
    <!--                             ^^^ cputune-thread-pool: without thread_pool_max -->
  </iothreadids>`,
      },
      ``
    ),
  },
  {
    name: '<vcpus>: offline vCPUs need no order, but an enabled one does once vCPU 0 has one',
    xml: domainXml(
      {
        vcpu: '4',
        head: `  <vcpus>
    <vcpu id='0' enabled='yes' order='1'/>
    <vcpu id='1' enabled='yes' hotpluggable='yes' order='2'/>
    <vcpu id='2' enabled='no'/>
    <vcpu id='3' enabled='yes' hotpluggable='yes'/>
<!-- ^^^^ cputune-vcpus-order-mixed: vCPU 3 -->
  </vcpus>`,
      },
      ``
    ),
  },
  {
    name: '<vcpus>: a fixed vCPU without order after an offline one with order comes below it',
    xml: domainXml(
      {
        vcpu: '3',
        head: `  <vcpus>
    <vcpu id='0' enabled='yes'/>
    <vcpu id='1' enabled='no' order='5'/>
    <vcpu id='2' enabled='yes' hotpluggable='no'/>
<!-- ^^^^ cputune-vcpus-order: order 0 -->
  </vcpus>`,
      },
      ``
    ),
  },
];

runRuleCases('cputune', CASES);
