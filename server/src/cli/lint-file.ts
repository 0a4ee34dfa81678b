/**
 * One file through libvirt-lint: read, analyse, fix (--fix), and keep only plain data (findings
 * without their fix builders, suppressions, fleet claims) so that trees and models can be freed,
 * and so that the result can cross from a worker thread. Used by the main thread and the workers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, type Analysis, type AnalysisOptions, type ReportedFinding } from '../analysis';
import { analyzeAttached, type AttachTarget } from '../attach';
import { decodeBytes } from '../common/read-text';
import { applyEdits, fixAllEdits } from '../fixes';
import { fleetClaims, type FleetClaims } from '../rules/fleet';
import type { Suppression } from '../rules/suppress';
import { unifiedDiff } from './diff';

export interface FileJob {
  file: string;
  /** Named on the command line (skips are explained), rather than found in a folder. */
  named: boolean;
  options: Pick<AnalysisOptions, 'flavor' | 'machine' | 'severity' | 'targetVersion' | 'host'>;
  fix: 'no' | 'write' | 'dry-run';
  /** --attach-to: a fragment is checked as attached to this domain. */
  attach?: AttachTarget;
}

/** A finding as plain data: `fixable` says it had a safe (preferred) fix. */
export type LintedFinding = Omit<ReportedFinding, 'fixes'> & { fixable?: boolean };

export interface LintedDoc {
  text: string;
  findings: LintedFinding[];
  suppressions: Suppression[];
  severity: Analysis['severity'];
  claims: FleetClaims;
}

export interface FileOutcome {
  /** Lines for stderr, in order (skips, notes, internal errors). */
  notes: string[];
  problems: string[];
  /** Undefined when the file was skipped. */
  linted?: LintedDoc;
  fixedEdits: number;
  diff: string;
}

/** Up to this many fix passes: a fix may make another one possible (a new controller, then a port on it). */
const MAX_FIX_PASSES = 4;

/** The analysis of a file's text: on its own, or (--attach-to) as attached to a domain. */
function analyzeJob(text: string, job: FileJob): Analysis {
  return job.attach ? analyzeAttached(text, job.attach, job.options) : analyze(text, job.options);
}

function fixText(text: string, job: FileJob): { text: string; analysis: Analysis; edits: number } {
  let analysis = analyzeJob(text, job);
  let edits = 0;
  const errors = (a: Analysis): number => a.findings.filter((f) => f.severity === 'error').length;
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const e = fixAllEdits(analysis.findings);
    if (e.length === 0) {
      break;
    }
    const next = applyEdits(text, e);
    if (next === text) {
      break;
    }
    const again = analyzeJob(next, job);
    if (errors(again) > errors(analysis)) {
      break; // never leave more errors than there were
    }
    edits += e.length;
    text = next;
    analysis = again;
  }
  return { text, analysis, edits };
}

export function lintFile(job: FileJob): FileOutcome {
  const { file, named } = job;
  const out: FileOutcome = { notes: [], problems: [], fixedEdits: 0, diff: '' };
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    out.problems.push(`${file}: cannot read (${err.code === 'EACCES' ? 'permission denied' : err.message})`);
    return out;
  }
  const decoded = decodeBytes(bytes);
  if ('skip' in decoded) {
    if (named) {
      out.notes.push(`${file}: skipped, ${decoded.skip}`);
    }
    return out;
  }
  if (decoded.note) {
    out.notes.push(`${file}: ${decoded.note}`);
  }
  let text = decoded.text;
  let analysis: Analysis;
  if (job.fix !== 'no') {
    const fixed = fixText(text, job);
    analysis = fixed.analysis;
    if (fixed.text !== text && analysis.model) {
      out.fixedEdits = fixed.edits;
      if (job.fix === 'dry-run') {
        out.diff = unifiedDiff(file.split(path.sep).join('/'), text, fixed.text);
      } else if (decoded.note) {
        out.problems.push(`${file}: fixes not written: the file is not valid UTF-8`);
      } else {
        try {
          // Written back with the byte order mark the file had, if any (decodeBytes took it off).
          const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
          fs.writeFileSync(file, (bom ? '\uFEFF' : '') + fixed.text, 'utf8');
        } catch (e) {
          out.problems.push(`${file}: cannot write the fixes (${(e as Error).message})`);
        }
      }
      text = fixed.text;
    }
  } else {
    analysis = analyzeJob(text, job);
  }
  if (!analysis.model) {
    if (named) {
      out.notes.push(`${file}: skipped, not libvirt domain XML (root is not <domain> or a device)`);
    }
    return out;
  }
  for (const ie of analysis.internalErrors) {
    out.notes.push(`internal error in rule family ${ie.family} on ${file}: ${String(ie.error)}`);
  }
  out.linted = plain(text, analysis);
  return out;
}

/** The plain data of an analysis (also for domains read from hosts). */
export function plain(text: string, analysis: Analysis): LintedDoc {
  return {
    text,
    findings: analysis.findings.map(({ fixes, ...f }) => (fixes?.some((x) => x.preferred) ? { ...f, fixable: true } : f)),
    suppressions: analysis.suppressions,
    severity: analysis.severity,
    claims: fleetClaims(analysis.model!),
  };
}
