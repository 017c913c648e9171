import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Every public export of the three entry points has TSDoc with an @example (the examples
// themselves run in examples.test.ts). Exports tagged @internal are not public API.

const root = fileURLToPath(new URL('../..', import.meta.url));
const entries = ['src/index.ts', 'src/otel/index.ts', 'src/testing/index.ts', 'src/node/index.ts'];

function publicExports(): { entry: string; name: string; tags: string[] }[] {
  const program = ts.createProgram(
    entries.map((e) => `${root}${e}`),
    { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, baseUrl: root, paths: { iterscope: ['./src/index.ts'] } },
  );
  const checker = program.getTypeChecker();
  const out: { entry: string; name: string; tags: string[] }[] = [];
  for (const entry of entries) {
    const file = program.getSourceFile(`${root}${entry}`);
    if (file === undefined) throw new Error(`cannot read ${entry}`);
    const moduleSymbol = checker.getSymbolAtLocation(file);
    if (moduleSymbol === undefined) throw new Error(`${entry} is not a module`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const tags = symbol.getJsDocTags(checker).map((t) => t.name);
      // A value and a type may share a name (SuppressedError): each declaration counts.
      for (const decl of symbol.declarations ?? []) {
        for (const tag of ts.getJSDocTags(decl)) tags.push(tag.tagName.text);
      }
      if (tags.includes('internal')) continue;
      out.push({ entry, name: exported.name, tags });
    }
  }
  return out;
}

describe('TSDoc', () => {
  const exports = publicExports();

  it('finds the public exports', () => {
    expect(exports.map((e) => e.name)).toEqual(expect.arrayContaining(['pipe', 'aclosing', 'traced', 'checkContract', 'toNodeReadable']));
  });

  it('gives every public export an @example', () => {
    const missing = exports.filter((e) => !e.tags.includes('example')).map((e) => `${e.entry}: ${e.name}`);
    expect(missing).toEqual([]);
  });
});
