// @ts-check
// Lists the exported symbols of server/src, client/src and test/support that no other file
// imports: candidates for dropping the `export` (or the symbol). Uses the TypeScript compiler on
// the project of tsconfig.json, so imports are resolved the way tsc resolves them (re-exports
// followed to the declaration, `import type` included).
//
//   node scripts/check-unused-exports.mjs          one line per export: path:line  name  (kind)
//   node scripts/check-unused-exports.mjs --check  the same, exit status 1 when any is listed
//
// An export counts as used when another file of the project imports it by name (or re-exports it
// by name), imports its module whole (`import * as`, `import()`, `require()`), or when an .mjs
// script names a compiled file out/<path>.js and the export's name occurs in that script.
// Uses within the declaring file do not count. Entry points called from outside (VS Code calls
// `activate`) are listed in ENTRY_POINTS. Prints the list; with --check, fails when it is not empty.
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const REPO = path.resolve(import.meta.dirname, '..');
const SCOPES = ['lib/', 'server/src/', 'client/src/', 'test/support/'];
/** Exports called by a host rather than imported: path -> names. */
const ENTRY_POINTS = new Map([['client/src/extension.ts', ['activate', 'deactivate']]]);

const rel = (/** @type {string} */ f) => path.relative(REPO, f).split(path.sep).join('/');

function loadProgram() {
  const configPath = path.join(REPO, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    }
  );
  if (!parsed) {
    throw new Error(`cannot read ${configPath}`);
  }
  return ts.createProgram({ rootNames: parsed.fileNames, options: { ...parsed.options, noEmit: true, incremental: false } });
}

const program = loadProgram();
const checker = program.getTypeChecker();
const ours = program
  .getSourceFiles()
  .filter((sf) => !sf.isDeclarationFile && !rel(sf.fileName).startsWith('..') && !sf.fileName.includes('/node_modules/'));

/** @param {ts.Symbol} s */
const original = (s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);

/** The exports declared in a file (re-exports of other files' symbols left out). @param {ts.SourceFile} sf */
function exportsOf(sf) {
  const moduleSymbol = checker.getSymbolAtLocation(sf);
  if (!moduleSymbol) {
    return [];
  }
  return checker
    .getExportsOfModule(moduleSymbol)
    .map((exported) => ({ exported, target: original(exported) }))
    .filter(({ target }) => (target.declarations ?? []).some((d) => d.getSourceFile() === sf));
}

/** symbol -> the files (other than its own) that use it */
const usedBy = new Map();
/** @param {ts.Symbol | undefined} s @param {ts.SourceFile} from */
function markUsed(s, from) {
  if (!s) {
    return;
  }
  const target = original(s);
  if ((target.declarations ?? []).every((d) => d.getSourceFile() === from)) {
    return; // a use inside the declaring file
  }
  usedBy.set(target, (usedBy.get(target) ?? 0) + 1);
}
/** Every export of the module a specifier names. @param {ts.Expression} specifier @param {ts.SourceFile} from */
function markModule(specifier, from) {
  const moduleSymbol = checker.getSymbolAtLocation(specifier);
  if (moduleSymbol) {
    for (const e of checker.getExportsOfModule(moduleSymbol)) {
      markUsed(e, from);
    }
  }
}

for (const sf of ours) {
  /** @param {ts.Node} node */
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      if (clause?.name) {
        markUsed(checker.getSymbolAtLocation(clause.name), sf);
      }
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) {
        markModule(node.moduleSpecifier, sf);
      } else if (bindings) {
        for (const el of bindings.elements) {
          markUsed(checker.getSymbolAtLocation(el.name), sf);
        }
      }
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && node.exportClause && ts.isNamedExports(node.exportClause)) {
      for (const el of node.exportClause.elements) {
        markUsed(checker.getSymbolAtLocation(el.name), sf);
      }
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      markModule(node.moduleReference.expression, sf);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteralLike(arg)) {
        markModule(arg, sf);
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      markModule(node.argument.literal, sf);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

/** Names that .mjs scripts use from compiled files: source path -> the script texts naming it. */
const scriptUses = new Map();
for (const dir of ['scripts', 'test', 'bench']) {
  for (const e of fs.readdirSync(path.join(REPO, dir), { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.mjs')) {
      continue;
    }
    const text = fs.readFileSync(path.join(e.parentPath, e.name), 'utf8');
    // Compiled files (out/server/src/x.js) and sources a script bundles itself ('./server/src/x').
    for (const m of text.matchAll(/\bout\/([\w./-]+)\.js\b|\.\/((?:server|client)\/src\/[\w./-]+?)(?:\.ts)?['"]/g)) {
      const source = `${m[1] ?? m[2]}.ts`;
      scriptUses.set(source, [...(scriptUses.get(source) ?? []), text]);
    }
  }
}

const kinds = /** @type {const} */ ([
  [ts.SymbolFlags.Function, 'function'],
  [ts.SymbolFlags.Class, 'class'],
  [ts.SymbolFlags.Interface, 'interface'],
  [ts.SymbolFlags.TypeAlias, 'type'],
  [ts.SymbolFlags.Enum, 'enum'],
  [ts.SymbolFlags.Variable, 'const'],
]);
/** @param {ts.Symbol} s */
const kindOf = (s) => kinds.find(([flag]) => s.flags & flag)?.[1] ?? 'symbol';

const unused = [];
for (const sf of ours) {
  const file = rel(sf.fileName);
  if (!SCOPES.some((scope) => file.startsWith(scope))) {
    continue;
  }
  for (const { exported, target } of exportsOf(sf)) {
    const name = exported.getName();
    if (usedBy.has(target) || ENTRY_POINTS.get(file)?.includes(name)) {
      continue;
    }
    if ((scriptUses.get(file) ?? []).some((/** @type {string} */ text) => new RegExp(`\\b${name}\\b`).test(text))) {
      continue;
    }
    const decl = (target.declarations ?? []).find((d) => d.getSourceFile() === sf);
    const line = decl ? sf.getLineAndCharacterOfPosition(decl.getStart()).line + 1 : 0;
    unused.push({ file, line, name, kind: kindOf(target) });
  }
}
unused.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
for (const u of unused) {
  console.log(`${u.file}:${u.line}  ${u.name}  (${u.kind})`);
}
console.log(`${unused.length} exported symbol(s) of ${SCOPES.join(', ')} imported by no other file`);
// --check (the static test step): an unused export is a failure.
if (process.argv.includes('--check') && unused.length > 0) {
  process.exitCode = 1;
}
