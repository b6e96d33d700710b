// State messages decode from numbers (StateMessage.log, XML bodies), from the words UpdatesDeployment.log
// prints, and from the other client logs that name topic types and state IDs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stateData } from '../../server/src/core/decode/data';
import {
  decodeState,
  findStateMessages,
  stateByLogName,
  statesOfTopic,
  TOPIC_WORDS,
} from '../../server/src/core/decode/stateMessageTopics';

const summary = (text: string) =>
  findStateMessages(text).map((m) => ({
    text: m.text,
    topicType: m.topicType,
    stateId: m.stateId,
    names: m.names,
    basis: m.topicBasis,
  }));

test('the committed table holds the 405 reference rows over 107 topic types', () => {
  const topics = Object.values(stateData().topics);
  assert.equal(topics.length, 107);
  assert.equal(
    topics.reduce((n, t) => n + t.rows.length, 0),
    405,
  );
});

test('500/2 by number: every name kind, description first, sources kept', () => {
  const decoded = decodeState(500, 2);
  assert.equal(decoded.topicTypeName, 'STATE_TOPICTYPE_SUM_UPDATE_DETECTION');
  assert.deepEqual(decoded.names, ['Update is required']);
  assert.deepEqual(
    decoded.entries.map((e) => e.kind),
    ['description', 'v_StateNames'],
  );
  assert.match(decoded.entries[0].source, /state-messages\.md/);
  assert.equal(decoded.known, true);
});

test('sources that disagree are both kept, reference page first (401/5, 501/1)', () => {
  assert.deepEqual(decodeState(401, 5).names, ['Unknown', 'Not Applicable']);
  assert.deepEqual(decodeState(501, 1).names, ['Scan is waiting for content', 'Scan is waiting for catalog location']);
});

test('a topic type alone, and a topic type listed without states', () => {
  assert.deepEqual(decodeState(500).names, []);
  assert.equal(decodeState(500).known, true);
  assert.deepEqual(
    statesOfTopic(500).map((s) => s.stateId),
    [0, 1, 2, 3],
  );
  const heartbeat = decodeState(701);
  assert.equal(heartbeat.topicTypeName, 'STATE_TOPICTYPE_SYSTEM_HEARTBEAT');
  assert.deepEqual(
    heartbeat.entries.map((e) => e.kind),
    ['topic_type_only'],
  );
  assert.equal(decodeState(500, 99).known, false);
  assert.equal(decodeState(12345).known, false);
});

test('log words map to topic types as the reference README says', () => {
  assert.deepEqual(TOPIC_WORDS, { Compliance: 300, Enforce: 301, Evaluate: 302 });
  assert.deepEqual(stateByLogName('CI_ENFORCEMENT_SUCCESSFULL'), { topicType: 402, stateId: 10 });
  assert.deepEqual(stateByLogName('ASSIGNMENT_ENFORCE_PENDING_REBOOT'), { topicType: 301, stateId: 5 });
});

test('StateMessage.log: "State message(State ID : 2) with TopicType 500" (seed 001)', () => {
  const line =
    'State message(State ID : 2) with TopicType 500 and TopicId 505fda07-b4f3-45fb-83d9-8642554e2773 has been recorded for SYSTEM StateMessage';
  assert.deepEqual(summary(line), [
    {
      text: 'State message(State ID : 2) with TopicType 500',
      topicType: 500,
      stateId: 2,
      names: ['Update is required'],
      basis: 'number',
    },
  ]);
});

test('StateMessage.log: a topic type without a state (seed 001, corpus)', () => {
  assert.deepEqual(
    summary('Adding message with TopicType 500 and TopicId 505fda07-b4f3-45fb-83d9-8642554e2773 to WMI StateMessage'),
    [{ text: 'TopicType 500', topicType: 500, stateId: null, names: [], basis: 'number' }],
  );
  const [match] = findStateMessages(
    'State message with TopicType 401 and TopicId Windows/All_x64_Windows_7_Client/1 has been updated',
  );
  assert.deepEqual([match.topicType, match.topicTypeName], [401, 'STATE_TOPICTYPE_SUM_CI_COMPLIANCE']);
});

test('XML state message body: <Topic ... Type="500"/><State ID="2"/> (seed 001)', () => {
  const xml =
    '<ReportBody><StateMessage MessageTime="20140120171855.573000+000" SerialNumber="232"><Topic ID="505fda07-b4f3-45fb-83d9-8642554e2773" Type="500" IDType="3" User="" UserSID=""/><State ID="2" Criticality="0"/><UserParameters Flags="0" Count="1"><Param>200</Param></UserParameters></StateMessage></ReportBody>';
  const [match] = findStateMessages(xml);
  assert.deepEqual(
    [match.topicType, match.stateId, match.names, match.topicBasis],
    [500, 2, ['Update is required'], 'number'],
  );
  assert.ok(match.text.startsWith('<Topic ID="505fda07'));
  assert.ok(match.text.endsWith('<State ID="2"'));
});

test('UpdatesDeploymentAgent.log words: TopicType = Evaluate / Enforce (seed 000)', () => {
  const evaluate =
    'Raised assignment ({B040D195-8FA8-48D3-953F-17E878DAB23D}) state message successfully. TopicType = Evaluate, StateId = 2, StateName = ASSIGNMENT_EVALUATE_SUCCESS UpdatesDeploymentAgent 2/9/2014 7:15:04 PM 3696 (0x0E70)';
  const [e] = findStateMessages(evaluate);
  assert.deepEqual(
    [e.topicType, e.topicTypeName, e.stateId, e.names, e.topicBasis, e.topicWord, e.loggedStateName],
    [
      302,
      'STATE_TOPICTYPE_SUM_ASSIGNMENT_EVALUATION',
      2,
      ['Evaluation succeeded', 'ASSIGNMENT_EVALUATE_SUCCESS'],
      'logWord',
      'Evaluate',
      'ASSIGNMENT_EVALUATE_SUCCESS',
    ],
  );
  const enforce =
    'Raised assignment ({B040D195-8FA8-48D3-953F-17E878DAB23D}) state message successfully. TopicType = Enforce, StateId = 5, StateName = ASSIGNMENT_ENFORCE_PENDING_REBOOT';
  assert.deepEqual(summary(enforce), [
    {
      text: 'TopicType = Enforce, StateId = 5, StateName = ASSIGNMENT_ENFORCE_PENDING_REBOOT',
      topicType: 301,
      stateId: 5,
      names: ['Pending system restart', 'ASSIGNMENT_ENFORCE_PENDING_REBOOT'],
      basis: 'logWord',
    },
  ]);
});

test('TopicType = Compliance carries IsCompliant and no state (seed 000)', () => {
  const line =
    'Raised assignment ({B040D195-8FA8-48D3-953F-17E878DAB23D}) state message successfully. TopicType = Compliance, Signature = 5e176837, IsCompliant = True UpdatesDeploymentAgent 2/9/2014 7:19:19 PM 2456 (0x0998)';
  const [match] = findStateMessages(line);
  assert.deepEqual([match.topicType, match.stateId, match.isCompliant, match.names], [300, null, true, []]);
});

test('update enforcement state message: topic 402 from the state name (seed 000)', () => {
  const line =
    'Raised update (Site_D3A5F7EA-25D4-4C6B-B47C-C74997522A76/SUM_3cbcf577-5139-49b8-afe8-620af5c52f95) enforcement state message successfully. StateId = 10, StateName = CI_ENFORCEMENT_SUCCESSFULL';
  assert.deepEqual(summary(line), [
    {
      text: 'StateId = 10, StateName = CI_ENFORCEMENT_SUCCESSFULL',
      topicType: 402,
      stateId: 10,
      names: ['Successfully installed update', 'CI_ENFORCEMENT_SUCCESSFULL'],
      basis: 'stateName',
    },
  ]);
  // Without a state name, the wording "update ... enforcement state message" names the topic.
  assert.deepEqual(
    findStateMessages('Raised update (Site_X/SUM_Y) enforcement state message successfully. StateId = 12').map((m) => [
      m.topicType,
      m.names,
      m.topicBasis,
    ]),
    [[402, ['Downloading update'], 'phrase']],
  );
});

test('a state ID whose topic nothing names is reported without names', () => {
  const line =
    'ScanJob({4CD06388-D509-46E4-8C00-75909EDD9EE8}): Raised UpdateSource ({C2D17964-BBDD-4339-B9F3-12D7205B39CC}) state message successfully. StateId = 2 ScanAgent';
  assert.deepEqual(summary(line), [{ text: 'StateId = 2', topicType: null, stateId: 2, names: [], basis: 'none' }]);
});

test('EndpointProtectionAgent.log and CcmExec.log: "topic type = 2001, state id = 1" (corpus)', () => {
  assert.deepEqual(
    summary('start to send State Message with topic type = 2001, state id = 1, and error code = 0x00000000'),
    [
      {
        text: 'topic type = 2001, state id = 1',
        topicType: 2001,
        stateId: 1,
        names: ['Endpoint Protection unmanaged'],
        basis: 'number',
      },
    ],
  );
  const [wakeUp] = findStateMessages(
    'Sending State Message with topic type = 2100, state id = 1, run state = 0, and error code = 0x00000000',
  );
  assert.deepEqual([wakeUp.topicType, wakeUp.stateId, wakeUp.names], [2100, 1, ["Wake-up proxy isn't installed"]]);
});

test('StateMessageProvider.log query: TopicType = 1702 (corpus)', () => {
  const line =
    "Query: 'SELECT * FROM CCM_StateMsg WHERE TopicId = 'ScopeId_9265C920-BDFB-468F-A773-711D991FE1BA/RequiredApplication_b433b00b-bc4f-4281-8400-5d1c8cbe30b9/1' AND TopicType = 1702 AND [User] = 'SYSTEM''";
  assert.deepEqual(
    findStateMessages(line).map((m) => [m.topicType, m.topicTypeName, m.stateId]),
    [[1702, 'STATE_TOPICTYPE_APP_CI_ENFORCEMENT', null]],
  );
});

test('ccmsetup.log Fallback Status Point message: client deployment state (corpus)', () => {
  const [match] = findStateMessages("Sending Fallback Status Point message to 'primary.lan', STATEID='309'.");
  assert.deepEqual(
    [match.topicType, match.stateId, match.names, match.topicBasis],
    [800, 309, ['Failed to download the files through BITS at address'], 'phrase'],
  );
});

test('lines without state messages', () => {
  assert.deepEqual(findStateMessages('Successfully forwarded State Messages to the MP StateMessage'), []);
  assert.deepEqual(findStateMessages('Found 163 updates and 70 categories in search'), []);
});
