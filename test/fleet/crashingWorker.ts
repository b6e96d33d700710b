// A fleet reader thread that dies (as one does out of memory, or in a native crash) when it is handed a machine
// whose name holds "CRASH"; any other machine it reads as the real worker does (core/fleet/pool.ts, loaded below).
// Used by test/unit/fleet.robust.test.ts through readFleet's workerEntry option.
import { parentPort, workerData } from 'node:worker_threads';

if ((workerData as Record<string, unknown> | null)?.cmlogsFleetWorker)
  parentPort!.on('message', (m: { entry: { name: string } }) => {
    if (m.entry.name.includes('CRASH')) process.exit(7);
  });
require('../../server/src/core/fleet/pool');
