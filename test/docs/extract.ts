/**
 * Finds the runnable examples of the documentation: every ```ts block in README.md and
 * docs/*.md, and every ```ts block inside a TSDoc `@example` in src/. A block preceded by
 * an HTML comment `<!-- not run: why -->` is skipped (the reason is part of the docs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Example {
  /** Where it was found, as `file:line`. */
  readonly where: string;
  readonly code: string;
}

const FENCE = /^([ \t]*(?:\*[ \t]?)?)```(ts|typescript)\s*$/;

function walk(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** ```ts blocks of a Markdown file. */
export function markdownExamples(root: string, file: string): Example[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (open === null) continue;
    const skipped = /<!--\s*not run:/.test(lines[i - 1] ?? '') || /<!--\s*not run:/.test(lines[i - 2] ?? '');
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    if (!skipped) examples.push({ where: `${file}:${String(start + 1)}`, code: body.join('\n') });
  }
  return examples;
}

/** ```ts blocks inside TSDoc comments of a source file (the `@example`s). */
export function tsdocExamples(root: string, file: string): Example[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (open === null || !(open[1] ?? '').includes('*')) continue;
    const prefix = open[1] ?? '';
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*\*?\s*```\s*$/.test(lines[i] ?? ''); i++) {
      const line = lines[i] ?? '';
      body.push(line.startsWith(prefix) ? line.slice(prefix.length) : line.replace(/^\s*\*\s?/, ''));
    }
    examples.push({ where: `${file}:${String(start + 1)}`, code: body.join('\n') });
  }
  return examples;
}

export function allExamples(root: string): Example[] {
  const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const sources = walk(join(root, 'src'), [])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => relative(root, f))
    .sort();
  return [...docs.flatMap((f) => markdownExamples(root, f)), ...sources.flatMap((f) => tsdocExamples(root, f))];
}
