// The diagnosis off the language server's main thread: a worker parses the given logs from disk and runs every
// flow over them, and posts the findings back (plain data). Hovers, links and the timeline stay responsive
// while a folder of hundreds of MB is diagnosed. Built as its own bundle (server/out/diagnoseWorker.js).
import { parentPort, workerData } from 'node:worker_threads';
import { diagnose } from '../core/diagnose/index';
import { parseFile, type ParseResult } from '../core/parse';

async function run(files: string[]): Promise<void> {
  const results: ParseResult[] = [];
  for (const file of files) {
    try {
      results.push(await parseFile(file));
    } catch {
      // unreadable now (deleted, locked): diagnosed without it, as the CLI does
    }
  }
  parentPort?.postMessage({ findings: diagnose(results) });
}

if (parentPort && workerData?.files)
  run(workerData.files as string[]).catch((error) => parentPort?.postMessage({ error: String(error) }));
