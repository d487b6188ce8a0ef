import { readFile } from 'node:fs/promises';
import { ValidationFailedError } from '../../src/failure-kinds.js';
import { importDocument } from '../../src/import/import-document.js';
import { IMPORT_RECORD_TYPES, type ImportSummary } from '../../src/import/import-format.js';
import { Runtime } from './runtime.js';

const USAGE = 'usage: sai import FILE   (a provider document in the import format of contracts/admin-api.md)';

function countsTable(summary: ImportSummary): string {
  const width = Math.max(...IMPORT_RECORD_TYPES.map((type) => type.length));
  const rows = IMPORT_RECORD_TYPES.map((type) => `  ${type.padEnd(width)}  ${String(summary.created[type] ?? 0).padStart(8)}  ${String(summary.updated[type] ?? 0).padStart(8)}`);
  return [`  ${''.padEnd(width)}  ${'created'.padStart(8)}  ${'updated'.padStart(8)}`, ...rows].join('\n');
}

/** `sai import FILE`: all or nothing; a refused document is listed path by path and exits 1. */
export async function run(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0].startsWith('-')) {
    process.stderr.write(USAGE + '\n');
    return 2;
  }
  const [file] = args;
  let document: unknown;
  try {
    document = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    process.stderr.write(`${file}: cannot be read as JSON: ${(error as Error).message}\n`);
    return 1;
  }

  const runtime = await Runtime.open({ migrate: true, poolSize: 2, applicationName: 'sai-import' });
  try {
    const settings = await runtime.settings();
    const started = performance.now();
    const summary = await importDocument(runtime.db, document, { settings });
    process.stdout.write(`imported ${file} in ${((performance.now() - started) / 1000).toFixed(1)} s\n${countsTable(summary)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ValidationFailedError)) throw error;
    const problems = Object.entries(error.fields);
    process.stderr.write(`${file}: refused, nothing was written (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n`);
    for (const [path, reason] of problems) process.stderr.write(`  ${path}: ${reason}\n`);
    return 1;
  } finally {
    await runtime.close();
  }
}
