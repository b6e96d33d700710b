// State messages: the client's upload (StateMessage.log → CcmMessaging.log, queue mp_relayendpoint), the
// management point's MP_Relay.log, MPFDM.log on a remote MP and StateSys.log on the site server. Lines are the
// seed's ([SUM]/[TRACK] "State message processing flow", steps 1-5) as samples/client re-types them.
import { MIN, SEC } from './core';
import type { World } from './world';

export interface UploadOptions {
  /** CCM Messaging cannot deliver the report (the MP answers 503). */
  deliveryError?: string;
  /** The MP and the site server process it (MP_Relay.log, StateSys.log); `remoteMp` adds MPFDM.log. */
  server?: { remoteMp?: boolean; invalidRecords?: number; delayMs?: number };
  messages?: number;
}

export interface UploadResult {
  /** Time of "Successfully forwarded State Messages to the MP" (the instance key). */
  forwarded: number;
  message: string;
  /** Time of StateSys's "Found new state messages to process" when the server side was written. */
  stateSys?: number;
}

export function stateUpload(w: World, t0: number, o: UploadOptions = {}): UploadResult {
  const rng = w.rng;
  const sm = w.c('StateMessage.log');
  const cm = w.c('CcmMessaging.log');
  const thread = rng.thread();
  const n = o.messages ?? rng.int(1, 12);
  const body = [
    'StateMessage body: <?xml version="1.0" encoding="UTF-16"?>',
    `<Report><ReportHeader><Identification><Machine><ClientInstalled>1</ClientInstalled><ClientType>1</ClientType><ClientID>GUID:${w.clientGuid}</ClientID><ClientVersion>5.00.7958.1000</ClientVersion><NetBIOSName>${w.clientName}</NetBIOSName><CodePage>437</CodePage><SystemDefaultLCID>1033</SystemDefaultLCID><Priority>5</Priority></Machine></Identification><ReportDetails><ReportContent>State Message Data</ReportContent><ReportType>Full</ReportType><Version>1.0</Version><Format>1.0</Format></ReportDetails></ReportHeader><ReportBody>${Array.from({ length: n }, (_, i) => `<StateMessage SerialNumber="${200 + i}"><Topic ID="${rng.guid().toLowerCase()}" Type="500" IDType="3" User="" UserSID=""/><State ID="${rng.int(2, 3)}" Criticality="0"/></StateMessage>`).join('')}</ReportBody></Report>`,
  ].join('\n');
  sm.add(t0, body, { thread });
  const forwarded = t0 + rng.int(3, 12);
  sm.add(forwarded, 'Successfully forwarded State Messages to the MP', { thread });
  const message = rng.guid();
  const sender = rng.thread();
  let t = forwarded + rng.int(2, 20);
  cm.add(t, `Sending async message '{${message}}' to outgoing queue 'mp:mp_relayendpoint'`, { thread });
  t += rng.int(20, 80);
  cm.add(t, `Sending outgoing message '{${message}}'. Flags 0x200, sender account empty`, { thread: sender });
  cm.add(t + 4, `POST: Host=${w.site.mp}, Path=/ccm_system/request, Port=443, Protocol=https, Flags=512, Options=480`, {
    thread: sender,
  });
  if (o.deliveryError) {
    // Modeled on real CcmMessaging failures: "[CCMHTTP] ERROR INFO: StatusCode=503", "Post to … failed with 0x87d00231".
    cm.add(t + 21_000, '[CCMHTTP] ERROR INFO: StatusCode=503 StatusText=Service Unavailable', {
      thread: sender,
      type: 3,
    });
    cm.add(t + 21_010, `Post to https://${w.site.mp}/ccm_system/request failed with ${o.deliveryError}.`, {
      thread: sender,
      type: 3,
    });
    cm.add(
      t + 21_015,
      `OutgoingMessage(Queue='mp_mp_relayendpoint', ID={${message}}): Failed to deliver message to host '${w.site.mp}', error ${o.deliveryError}. Will retry.`,
      { thread: sender, type: 2 },
    );
    return { forwarded, message };
  }
  t += rng.int(200, 900);
  cm.add(t, `Message '{${message}}' doesn't have reply`, { thread: sender });
  cm.add(
    t + 3,
    `OutgoingMessage(Queue='mp_mp_relayendpoint', ID={${message}}): Delivered successfully to host '${w.site.mp}'.`,
    { thread: sender },
  );
  if (!o.server) return { forwarded, message };
  // Management point: MP_Relay writes the SMX file (the MP's clock, the MP's time zone).
  const relay = w.m('MP_Relay.log');
  const rt = rng.thread();
  let m = t + rng.int(50, 400);
  relay.add(m, 'Mp Message Handler: start message processing for Relay. -----', { thread: rt });
  relay.add(m + 1, 'Mp Message Handler: FileType=SMX', { thread: rt });
  relay.add(m + 20, 'Inv-Relay Task: Processing message body', { thread: rt });
  const box = o.server.remoteMp
    ? 'C:\\SMS\\mp\\outboxes\\StateMsg.box'
    : 'E:\\ConfigMgr\\inboxes\\auth\\statesys.box\\incoming';
  relay.add(m + 22, `Relay: Outbox dir: ${box}`, { thread: rt });
  relay.add(m + 23, 'Priority in the message = 5', { thread: rt });
  relay.add(m + 24, `State Priority Directory = ${box}`, { thread: rt });
  relay.add(m + 30, 'Inv-Relay: Task completed successfully', { thread: rt });
  const file = `${rng.hex(8)}.SMX`;
  if (o.server.remoteMp) {
    m += rng.int(30, 90) * SEC;
    w.m('MPFDM.log').add(
      m,
      `Moved file C:\\SMS\\MP\\OUTBOXES\\statemsg.box\\${file} to \\\\${w.site.server}\\SMS_${w.site.code}\\inboxes\\auth\\statesys.box\\incoming\\${file}`,
      { thread: rng.thread() },
    );
  }
  // Site server: StateSys wakes up on the inbox and processes the file.
  const ss = w.s('StateSys.log');
  const st = rng.thread();
  const worker = rng.int(1000, 9000);
  let s = m + (o.server.delayMs ?? rng.int(10, 120) * SEC);
  const stateSys = s;
  ss.add(s, 'Inbox notification triggered, pause for 10 seconds....', { thread: st });
  s += 10 * SEC + rng.int(1, 50);
  ss.add(s, 'Found new state messages to process, starting processing thread', { thread: st });
  ss.add(s + 2, `Thread "State Message Processing Thread #0" id:${worker} started`, { thread: worker });
  ss.add(s + 5, 'total chucks loaded (1)', { thread: worker });
  ss.add(s + 9, `CMessageProcessor - Processing file: ${file}`, { thread: worker });
  ss.add(s + 60, `CMessageProcessor - Processed ${n} records with ${o.server.invalidRecords ?? 0} invalid records.`, {
    thread: worker,
    type: o.server.invalidRecords ? 2 : 1,
  });
  ss.add(s + 62, 'CMessageProcessor - Processed 1 message files in this batch, with 0 bad files.', { thread: worker });
  ss.add(s + 70, 'total chucks loaded (0)', { thread: worker });
  ss.add(s + 72, `Thread "State Message Processing Thread #0" id:${worker} terminated normally`, { thread: worker });
  return { forwarded, message, stateSys };
}

/** The client's State Message reporting cycle: an upload every 15 minutes from `from` while before `to`. */
export function stateCycle(w: World, from: number, to: number, o: UploadOptions = {}): UploadResult[] {
  const out: UploadResult[] = [];
  for (let t = from; t < to; t += 15 * MIN + w.rng.int(0, 30) * SEC) out.push(stateUpload(w, t, o));
  return out;
}
