/**
 * Rule family "video": small cases with caret markers naming exactly the findings expected;
 * near misses expect none. What libvirt 9.0 (QEMU driver) checks across <video> devices.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const video = (model: string, marker = '', inner = ''): string =>
  `    <video>
      <model ${model}/>${marker ? `\n      ${marker}` : ''}${inner ? `\n      ${inner}` : ''}
    </video>`;

const CASES: RuleCase[] = [
  {
    name: 'three primaries: the second and third are reported',
    xml: domainXml(
      { machine: 'q35' },
      [
        video("type='qxl' primary='yes'"),
        video("type='virtio' primary='yes'", '<!--                         ^^^^^ video-primary-duplicate -->'),
        video("type='qxl' primary='yes'", '<!--                      ^^^^^ video-primary-duplicate -->'),
      ].join('\n')
    ),
  },
  {
    name: "primary='no' is no primary; the first video device is",
    xml: domainXml(
      { machine: 'q35' },
      [video("type='qxl' primary='no'"), video("type='bochs'", "<!--        ^^^^^^^ video-secondary-model: 'bochs' -->")].join('\n')
    ),
  },
  {
    name: "a vga listed second but primary='yes' makes the first one secondary",
    xml: domainXml(
      { machine: 'q35' },
      [video("type='cirrus'", '<!--        ^^^^^^^^ video-secondary-model -->'), video("type='vga' primary='yes'")].join('\n')
    ),
  },
  {
    name: "'none' with another device, both orders",
    xml: domainXml({}, [video("type='virtio'"), video("type='none'", '<!--        ^^^^^^ video-none-not-alone -->')].join('\n')),
  },
  {
    name: 'qxl memory attributes on other models, with the fix',
    xml: domainXml({}, video("type='bochs' vgamem='16384'", '<!--                ^^^^^^^^^^^^^^ video-qxl-attribute: vgamem -->')),
    fix: { code: 'video-qxl-attribute', title: 'Remove vgamem', contains: "<model type='bochs'/>" },
  },
  {
    name: 'ramfb with an address, with the fix',
    xml: domainXml(
      { machine: 'q35' },
      video(
        "type='ramfb'",
        '',
        "<address type='pci' domain='0x0000' bus='0x00' slot='0x07' function='0x0'/>\n<!--   ^^^^^^^ video-ramfb-address -->"
      )
    ),
    fix: { code: 'video-ramfb-address', title: 'Remove the <address>', contains: '<video>', lacks: "slot='0x07'" },
  },
  {
    name: 'near misses: qxl and virtio secondaries, zero memory sizes, one none, no model',
    xml: domainXml(
      { machine: 'q35' },
      [video("type='vga'"), video("type='qxl' ram='65536' vgamem='16384'"), video("type='virtio' ram='0'"), '    <video/>'].join('\n')
    ),
  },
  {
    name: "'none' alone",
    xml: domainXml({}, video("type='none'")),
  },
  {
    name: 'settings a model does not take, values out of range',
    xml: domainXml(
      { machine: 'q35' },
      [
        video(
          "type='vga' heads='2' vram='512'",
          "<!--              ^^^^^^^^^ video-setting-invalid: heads='2' -->\n      <!--                        ^^^^^^^^^^ video-setting-invalid: 1 MiB -->"
        ),
        video("type='qxl' vgamem='3072'", '<!--              ^^^^^^^^^^^^^ video-setting-invalid: power of two -->'),
        `    <video>
      <model type='qxl'>
        <resolution x='0' y='600'/>
        <!--        ^^^^^ video-setting-invalid: greater than 0 -->
        <acceleration accel3d='yes'/>
        <!--          ^^^^^^^^^^^^^ video-setting-invalid: 3D -->
      </model>
    </video>`,
      ].join('\n')
    ),
  },
  {
    name: 'a resolution on cirrus',
    xml: domainXml(
      {},
      `    <video>
      <model type='cirrus'>
        <resolution x='800' y='600'/>
    <!-- ^^^^^^^^^^ video-setting-invalid: resolution -->
      </model>
    </video>`
    ),
  },
  {
    name: 'settings that fit: heads on qxl and virtio, vgamem a power of two, vram of 16 MiB on vga, 3D on virtio',
    xml: domainXml(
      { machine: 'q35' },
      [
        `    <video>
      <model type='vga' vram='16384'>
        <resolution x='1024' y='768'/>
      </model>
    </video>`,
        video("type='virtio' heads='2'").replace("heads='2'/>", "heads='2'>\n        <acceleration accel3d='yes'/>\n      </model>"),
        video("type='qxl' heads='4' vgamem='16384'"),
      ].join('\n')
    ),
  },
  {
    name: 'video-setting-invalid: an empty acceleration, and rendernode on the QEMU backend',
    xml: domainXml(
      {},
      `    <video>
      <model type='virtio'>
        <acceleration/>
    <!-- ^^^^^^^^^^^^ video-setting-invalid: empty -->
      </model>
    </video>
    <video>
      <driver name='qemu'/>
      <model type='virtio'>
        <acceleration rendernode='/dev/dri/renderD128'/>
        <!--          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ video-setting-invalid: vhost-user -->
      </model>
    </video>`
    ),
  },
];

runRuleCases('video', CASES);
