// The generator checked against the product's own parser: every record a scenario writes is read back as
// one record, with its message, component and time (UTC from the bias it carries; logs without a zone read
// as local time). A line the parser would misread would make a scenario test nothing, so this guards the oracle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBytes } from '../../server/src/core/parse';
import { logFiles, MIN, renderEntry, type Entry, type Log } from './gen/core';
import { seedOf } from './gen/expect';
import { SCENARIOS } from './scenarios';

function entriesOfFile(log: Log, index: number, count: number): Entry[] {
  const ordered = log.ordered();
  const roll = log.options.rollover;
  if (!roll || count === 1) return ordered;
  return index === 0 ? ordered.filter((e) => e.utc < roll.atUtc) : ordered.filter((e) => e.utc >= roll.atUtc);
}

for (const scenario of SCENARIOS) {
  test(`generator: ${scenario.name} reads back record for record`, () => {
    const built = scenario.build(seedOf(scenario.name));
    let records = 0;
    for (const machine of built.machines) {
      for (const log of machine.logs.values()) {
        const files = logFiles(log);
        files.forEach((file, index) => {
          const entries = entriesOfFile(log, index, files.length);
          const where = `${machine.folder}/${file.name}`;
          assert.ok(
            file.bytes.includes(Buffer.from(log.options.encoding === 'utf16le' ? '\r\0\n\0' : '\r\n')) ||
              !entries.length,
            `${where}: CRLF`,
          );
          const parsed = parseBytes(file.bytes, `/x/${machine.folder}/${file.name}`);
          assert.equal(
            parsed.records.length,
            entries.length,
            `${where}: ${entries.length} records written, ${parsed.records.length} read`,
          );
          entries.forEach((e, i) => {
            const r = parsed.records.get(i);
            const line = renderEntry(log, e).split('\n', 1)[0].slice(0, 160);
            // SoftwareDistribution.log: the parser keeps the method column in front of the message.
            if (log.options.format === 'wsus')
              assert.ok(r.message.endsWith(`\t${e.message}`), `${where} record ${i}: message of ${line}`);
            else assert.equal(r.message.replace(/\r/g, ''), e.message, `${where} record ${i}: message of ${line}`);
            if (log.options.format === 'cmtrace' || log.options.format === 'smstrace')
              assert.equal(r.component, e.component, `${where} record ${i}: component`);
            // The wall-clock time read back is the one written; the bias read is the machine's (logs that carry
            // one). WindowsUpdate.log's zone comes from its last "Logging initialized (… tz: …)" line, which stays
            // as it was across a daylight saving switch until the service restarts, as on a real client.
            const bias = parsed.records.biasMinutes(i);
            const utc = parsed.records.utc(i);
            // A log that writes local time with no zone has no UTC of its own when parsed alone (core/clock.ts):
            // its wall clock is then the record's local time.
            const localRead =
              utc !== null ? utc - (bias ?? 0) * MIN : r.local ? Date.parse(r.local.slice(0, 23) + 'Z') : null;
            const localWritten = log.options.format === 'wsus' ? e.utc : e.utc - machine.biasAt(e.utc) * MIN;
            // WindowsUpdate.log (ETW) keeps 7 fraction digits, the others milliseconds.
            assert.ok(
              localRead !== null && Math.abs(localRead - localWritten) < 1,
              `${where} record ${i}: time ${localRead === null ? 'none' : new Date(localRead).toISOString()} for ${new Date(localWritten).toISOString()} (${line})`,
            );
            if (log.options.format === 'cmtrace' || log.options.format === 'smstrace')
              assert.equal(bias, machine.biasAt(e.utc), `${where} record ${i}: bias`);
            if (log.options.format === 'cmtrace')
              assert.equal(
                r.severity,
                e.type === 3 ? 'error' : e.type === 2 ? 'warning' : 'info',
                `${where} record ${i}: severity`,
              );
          });
          records += entries.length;
        });
      }
    }
    assert.ok(records > 10, `${records} records`);
  });
}
