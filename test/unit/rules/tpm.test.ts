/**
 * Rule family "tpm": small cases with caret markers naming exactly the findings expected; near
 * misses expect none. tpm-option-unsupported and tpm-duplicate, as libvirt 9.0's QEMU driver judges.
 */
import { domainXml, runRuleCases, type RuleCase } from './cases';

const CASES: RuleCase[] = [
  {
    name: 'TPM 1.2 on tpm-spapr, PCR banks on an explicit 1.2, and a second regular TPM',
    xml: domainXml(
      {},
      `    <tpm model='tpm-spapr'>
      <backend type='emulator' version='1.2'/>
<!--                                   ^^^^^ tpm-option-unsupported -->
    </tpm>
    <tpm>
<!-- ^^^ tpm-duplicate -->
      <backend type='emulator' version='1.2'>
<!--                                   ^^^^^ tpm-option-unsupported -->
        <active_pcr_banks>
          <sha1/>
        </active_pcr_banks>
      </backend>
    </tpm>`
    ),
  },
  {
    name: 'near misses: a spapr-tpm-proxy beside a regular TPM, a passthrough TPM, PCR banks on a 2.0 tpm-tis',
    xml: domainXml(
      {},
      `    <tpm model='spapr-tpm-proxy'>
      <backend type='passthrough'>
        <device path='/dev/tpmrm0'/>
      </backend>
    </tpm>
    <tpm model='tpm-tis'>
      <backend type='emulator' version='2.0'>
        <active_pcr_banks>
          <sha512/>
        </active_pcr_banks>
      </backend>
    </tpm>`
    ),
  },
];

runRuleCases('tpm', CASES);
