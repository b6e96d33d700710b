#!/usr/bin/env node
// Generates the decoder tables in server/src/core/decode/data/ from the reference TSV files.
//
//   node scripts/gen-decode-data.mjs [referenceDir] [outDir]
//     referenceDir  default: ../shared/reference next to the repo
//     outDir        default: server/src/core/decode/data (a test writes elsewhere to check freshness)
//
// The output is committed so that builds work on machines without the reference folder; run this
// again only when the reference data changes. Every TSV row is kept, in file order, so the product
// tables can be checked row by row against the reference (test/corpus/decode.reference.test.ts).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const referenceDir = resolve(process.argv[2] ?? join(repoRoot, '..', 'shared', 'reference'));
const outDir = resolve(process.argv[3] ?? join(repoRoot, 'server', 'src', 'core', 'decode', 'data'));
/** Rows this repository adds beside ../shared/reference, each with its source (see that folder's README). */
const repoReferenceDir = join(repoRoot, 'server', 'src', 'core', 'decode', 'reference');

/** Reads a header-first, tab-separated file; fails loudly when a row has the wrong column count. */
function readTsv(name, columns, dir = referenceDir) {
  const text = readFileSync(join(dir, name), 'utf8').replace(/\r\n/g, '\n');
  const lines = text.split('\n').filter((line) => line.length > 0);
  const header = lines[0].split('\t');
  if (header.join(',') !== columns.join(',')) throw new Error(`${name}: unexpected header ${header.join(',')}`);
  return lines.slice(1).map((line, i) => {
    const cells = line.split('\t');
    if (cells.length !== columns.length) throw new Error(`${name}:${i + 2}: ${cells.length} columns`);
    return Object.fromEntries(columns.map((c, j) => [c, cells[j]]));
  });
}

/** Interns strings (sources repeat on thousands of rows) so rows can carry a small index instead. */
function interner() {
  const list = [];
  const index = new Map();
  return {
    list,
    id(value) {
      if (!index.has(value)) index.set(value, list.push(value) - 1);
      return index.get(value);
    },
  };
}

// ---------- error codes ----------

/** "FACILITY_WIN32 (7)" → {name, number}; "(2000)" → {name: null, number: 2000}. */
function parseFacility(text, where) {
  const m = /^(?:(FACILITY_\w+|Facility_\w+|FACILTIY_\w+) )?\((\d+)\)$/i.exec(text);
  if (!m) throw new Error(`${where}: facility "${text}" not understood`);
  return { name: m[1] ?? null, number: Number(m[2]) };
}

const CODE_COLUMNS = ['code_hex', 'symbolic_name', 'message', 'facility', 'source'];

/**
 * One code table ({sources, facilities, facilityOverrides, codes}) from rows in the hresults.tsv
 * columns. `facilityOf` says how the code's own bits give its facility (13 bits for HRESULTs as
 * winerror.h's HRESULT_FACILITY masks them, 12 bits for NTSTATUS); a row whose stated facility
 * differs keeps its own in facilityOverrides.
 */
function buildCodeTable(rows, where, facilityOf) {
  const sources = interner();
  const facilities = {};
  const facilityOverrides = {};
  const codes = {};
  for (const [i, row] of rows.entries()) {
    const key = row.code_hex.slice(2);
    if (!/^0x[0-9A-F]{8}$/.test(row.code_hex)) throw new Error(`${where}:${i + 2}: bad code ${row.code_hex}`);
    const facility = parseFacility(row.facility, `${where}:${i + 2}`);
    if (facility.name) {
      if (facilities[facility.number] && facilities[facility.number] !== facility.name) {
        throw new Error(
          `${where}: facility ${facility.number} named both ${facilities[facility.number]} and ${facility.name}`,
        );
      }
      facilities[facility.number] = facility.name;
    }
    if (facilityOf(parseInt(key, 16)) !== facility.number) facilityOverrides[key] = facility.number;
    (codes[key] ??= []).push([row.symbolic_name, row.message, sources.id(row.source)]);
  }
  return { sources: sources.list, facilities, facilityOverrides, codes };
}

const hresultFacility = (value) => (value >>> 16) & 0x1fff;
const ntstatusFacility = (value) => (value >>> 16) & 0xfff;

function buildHresults() {
  const rows = readTsv('hresults.tsv', CODE_COLUMNS);
  return { rows, data: buildCodeTable(rows, 'hresults.tsv', hresultFacility) };
}

/** The overlap rows that are NTSTATUS values (code_overlaps.tsv keeps them with the HRESULT clashes). */
const isNtstatusRow = (row) => row.source.includes('ntstatus.h');

/**
 * The smaller code families the reference added beside hresults.tsv (WMI, Delivery Optimization,
 * CBS / setup, Intune app installs), plus their rows from code_overlaps.tsv: those codes are in
 * hresults.tsv with another name, and the decoder shows both, choosing by the line's context.
 */
const FAMILY_FILES = ['wmi.tsv', 'delivery_optimization.tsv', 'cbs_setup.tsv', 'intune.tsv'];
/** Families the shared reference lacks: Windows setup (feature update) result codes, from Microsoft's docs. */
const REPO_FAMILY_FILES = ['mosetup.tsv'];

function buildCodeFamilies() {
  const perFile = [
    ...FAMILY_FILES.map((name) => ({ name, rows: readTsv(name, CODE_COLUMNS) })),
    ...REPO_FAMILY_FILES.map((name) => ({
      name: `${name} (this repository: server/src/core/decode/reference)`,
      rows: readTsv(name, CODE_COLUMNS, repoReferenceDir),
    })),
  ];
  const overlaps = readTsv('code_overlaps.tsv', CODE_COLUMNS).filter((row) => !isNtstatusRow(row));
  const rows = [...perFile.flatMap((f) => f.rows), ...overlaps];
  return {
    rows,
    perFile: [...perFile, { name: 'code_overlaps.tsv (not NTSTATUS)', rows: overlaps }],
    data: buildCodeTable(rows, 'families', hresultFacility),
  };
}

/** NTSTATUS values: ntstatus.tsv plus the NTSTATUS rows of code_overlaps.tsv (values hresults.tsv also uses). */
function buildNtstatus() {
  const own = readTsv('ntstatus.tsv', CODE_COLUMNS);
  const overlaps = readTsv('code_overlaps.tsv', CODE_COLUMNS).filter(isNtstatusRow);
  const rows = [...own, ...overlaps];
  return { rows, own, overlaps, data: buildCodeTable(rows, 'ntstatus', ntstatusFacility) };
}

// ---------- status messages ----------

/** Sources sometimes say which insertion string fills a placeholder ("ISTR0 = assignment name"). */
function istrPlaceholders(template, source) {
  const map = {};
  for (const m of source.matchAll(/ISTR(\d) = ([^),;]+)/g)) {
    const placeholder = `<${m[2].trim()}>`;
    if (template.includes(placeholder)) map[placeholder] = Number(m[1]);
  }
  return map;
}

const STATMSG_COLUMNS = ['message_id', 'severity', 'component', 'message_text_template', 'source'];
/** Message modules: an ID is unique only within one (server, client or SMS Provider messages). */
const MODULES = ['server', 'client', 'provider'];

/** The module of a spreadsheet row, from the sheet its source names. */
function moduleOfSheet(source) {
  const sheet = /sheet "SCCM (Server|Client|Prov) Stat Msg"/.exec(source);
  if (!sheet) throw new Error(`no sheet in source ${source.slice(0, 80)}`);
  return { Server: 0, Client: 1, Prov: 2 }[sheet[1]];
}

/**
 * statmsg.tsv has no module column: its audit messages (30000 and up, component
 * Microsoft.ConfigurationManagement.exe) are SMS Provider messages; every other row is a site server
 * component's (Distribution, Hierarchy, Object Replication and WSUS Sync Managers, CloudUserSync).
 */
const moduleOfCurated = (row) => (Number(row.message_id) >= 30000 ? 2 : 0);

function buildStatmsg() {
  const curated = readTsv('statmsg.tsv', STATMSG_COLUMNS);
  const overlaps = readTsv('statmsg_overlaps.tsv', STATMSG_COLUMNS);
  const more = readTsv('statmsg_more.tsv', STATMSG_COLUMNS);
  const sources = interner();
  const messages = {};
  const add = (row, module) => {
    const entry = [row.severity, row.component, row.message_text_template, sources.id(row.source), module];
    const istr = istrPlaceholders(row.message_text_template, row.source);
    if (Object.keys(istr).length > 0) entry.push(istr);
    (messages[row.message_id] ??= []).push(entry);
  };
  // Curated rows first (their wording was checked against logs), then the spreadsheet's rows.
  for (const row of curated) add(row, moduleOfCurated(row));
  for (const row of [...overlaps, ...more]) add(row, moduleOfSheet(row.source));
  return {
    rows: [...curated, ...overlaps, ...more],
    curated,
    overlaps,
    more,
    data: { modules: MODULES, sources: sources.list, messages },
  };
}

// ---------- state messages ----------

function buildStateMessages() {
  const columns = ['topic_type', 'topic_type_name', 'state_id', 'state_name', 'source', 'name_kind'];
  const rows = readTsv('state_messages.tsv', columns);
  const sources = interner();
  const kinds = ['description', 'v_StateNames', 'log_state_name', 'topic_type_only'];
  const topics = {};
  for (const row of rows) {
    const kind = kinds.indexOf(row.name_kind);
    if (kind < 0) throw new Error(`state_messages.tsv: unknown name_kind ${row.name_kind}`);
    const topic = (topics[row.topic_type] ??= { name: row.topic_type_name, rows: [] });
    if (topic.name !== row.topic_type_name) throw new Error(`topic ${row.topic_type} has two names`);
    const stateId = row.state_id === '' ? null : Number(row.state_id);
    topic.rows.push([stateId, row.state_name, kind, sources.id(row.source)]);
  }
  return { rows, data: { kinds, sources: sources.list, topics } };
}

// ---------- output ----------

/** JSON with one top-level map entry per line: compact to bundle, still readable in a diff. */
function writeJson(name, data, lineMapKey) {
  const parts = Object.entries(data).map(([key, value]) => {
    if (key !== lineMapKey) return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
    const lines = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    return `${JSON.stringify(key)}:{\n${lines.join(',\n')}\n}`;
  });
  const text = `{${parts.join(',\n')}}\n`;
  writeFileSync(join(outDir, name), text);
  return Buffer.byteLength(text);
}

/**
 * The large tables again, brotli-compressed and base64-encoded in one TypeScript module that the
 * bundles carry (packedTables.ts): a third of the JSON's size in the .vsix; data.ts unpacks a table
 * on first use. The JSON files stay the readable, diffable copy; a unit test checks both agree.
 */
const PACKED = ['hresults.json', 'ntstatus.json', 'statusMessages.json'];

function writePacked() {
  const params = {
    [constants.BROTLI_PARAM_QUALITY]: 11,
    [constants.BROTLI_PARAM_LGWIN]: 24,
    [constants.BROTLI_PARAM_SIZE_HINT]: 0,
  };
  const entries = PACKED.map((name) => {
    const base64 = brotliCompressSync(readFileSync(join(outDir, name)), { params }).toString('base64');
    return `  '${name}':\n${base64.replace(/.{1,120}/g, (line) => `    '${line}' +\n`)}    '',`;
  });
  const text = `// Generated by scripts/gen-decode-data.mjs from the JSON files beside it: do not edit.\n// Brotli-compressed, base64-encoded; data.ts unpacks each table on first use.\nexport const PACKED_TABLES: Record<string, string> = {\n${entries.join('\n')}\n};\n`;
  writeFileSync(join(outDir, 'packedTables.ts'), text);
  return Buffer.byteLength(text);
}

function countBy(rows, keyOf) {
  const counts = new Map();
  for (const row of rows) counts.set(keyOf(row), (counts.get(keyOf(row)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

/** Source names without commit or note, for the notice's per-source counts. */
const sourceOrigin = (source) => source.replace(/@[0-9a-f]+/, '').replace(/ \(.*$/, '');

function noticeTable(rows, keyOf) {
  return countBy(rows, keyOf)
    .map(([key, n]) => `| ${n} | ${key.replace(/\|/g, '\\|')} |`)
    .join('\n');
}

function writeNotice(h, f, n, s, t, sizes) {
  const distinctCodes = Object.keys(h.data.codes).length;
  const multi = Object.values(h.data.codes).filter((r) => r.length > 1).length;
  const text = `# Decoder data: where every table came from

Generated by \`scripts/gen-decode-data.mjs\` from the reference tables in \`../shared/reference\`
(described in that folder's README). Do not edit the JSON files by hand; change the reference data
and run the generator again. Every reference row is kept, in file order (rows sharing a code: Win32
system message first, then other Windows SDK entries, then WinINet, WinHTTP and other sources).
\`troubleshootingHints.json\` is written by hand (see below). The decoder loads each table on first
use (\`data.ts\`), so the NTSTATUS and status message tables cost nothing until a line needs them.
\`packedTables.ts\` holds ${PACKED.join(', ')} again, brotli-compressed and base64-encoded
(${sizes.packed} bytes): the bundles carry that, not the JSON, to keep the .vsix small.

| File | Rows | Keys | Bytes |
|---|---|---|---|
| hresults.json | ${h.rows.length} | ${distinctCodes} codes (${multi} with more than one row) | ${sizes.hresults} |
| codeFamilies.json | ${f.rows.length} | ${Object.keys(f.data.codes).length} codes | ${sizes.families} |
| ntstatus.json | ${n.rows.length} | ${Object.keys(n.data.codes).length} NTSTATUS values | ${sizes.ntstatus} |
| statusMessages.json | ${s.rows.length} | ${Object.keys(s.data.messages).length} message IDs | ${sizes.statmsg} |
| stateMessages.json | ${t.rows.length} | ${Object.keys(t.data.topics).length} topic types | ${sizes.state} |

## hresults.json — error codes

\`codes\` maps 8 upper-case hex digits to rows \`[symbolic name, message, source index]\`; \`sources\`
holds the reference \`source\` column verbatim; \`facilities\` maps facility numbers to the
\`FACILITY_*\` names the reference gives (winerror.h); \`facilityOverrides\` lists codes whose stated
facility differs from \`(code >> 16) & 0x1FFF\` (none when empty). Some rows have an empty name (the
ConfigMgr / Intune list has no symbolic names; 18 XACT codes have none in winerror.h) or an empty
message (14 WinINet/WinHTTP header names with no documented text).

Rows per source:

| Rows | Source |
|---|---|
${noticeTable(h.rows, (r) => sourceOrigin(r.source))}

Contents, from the reference README: all Windows Update Agent codes of \`wuerror.h\` (Windows SDK
10.0.22000.196 as mirrored in marlersoft/microsoft_windows_sdk_cpp) plus 9 newer ones checked
against SDK 10.0.26100 and LegacyUpdate's \`wuerror.mc\`; every \`MessageId\` of \`winerror.h\`
(Win32 codes as HRESULT_FROM_WIN32, COM, security, certificate, WinINet and other HRESULTs);
LAN Manager \`NERR_*\` codes from \`lmerr.h\`; BITS codes from \`BitsMsg.h\`; WinINet and WinHTTP
texts from the Microsoft Win32 docs (values from \`wininet.h\` / \`winhttp.h\`); VBScript errors
(0x800A0000 + number) with Wine's names and texts (the \`VBSE_*\` names are Wine's, not
Microsoft's); Configuration Manager / Intune codes (0x87D0xxxx, 0x87D1xxxx, 0x87D2xxxx, 0x07D0xxxx)
from the community list smcallister594/scotscottmca (no symbolic names; third-party wording);
two rows from Microsoft's "Windows Update common errors and mitigation" (\`TIME_OUT_ERRORS\` is a
grouping label there, not an SDK name); one row for 0x8DDD0018, known only from the Microsoft
article "Troubleshoot software update scan failures" (no name or message text published). Known
doubt kept from the reference: for 0x80244023 the SDK says HTTP 503 where a Microsoft page says 504;
the SDK wording is kept. S_OK (0x00000000) and S_FALSE (0x00000001) have no \`MessageId\` entry in the
headers and so no row; \`hresult.ts\` names them from their winerror.h \`#define\`s (marked as such).

## codeFamilies.json — WMI, Delivery Optimization, CBS, Intune, Windows setup

Same layout as \`hresults.json\`, from \`wmi.tsv\` (WBEM_* names from the SDK's \`WbemCli.h\` /
\`WbemProv.h\`, texts from Microsoft's "WMI Error Constants" pages), \`delivery_optimization.tsv\`
(0x80D0xxxx, \`deliveryoptimizationerrors.h\` of an Insider SDK mirror and Microsoft's "Delivery
Optimization Return Values"), \`cbs_setup.tsv\` (CBS_E_* / PSFX_E_* from Microsoft support articles)
and \`intune.tsv\` (Microsoft's "Intune app installation error reference"); \`mosetup.tsv\`, which this
repository adds in \`server/src/core/decode/reference/\` (the Windows setup result codes 0xC19001xx-0xC19004xx
that feature updates and in-place upgrades report, names and texts from Microsoft's "Resolution procedures"
page, and 0xC1800118 from the same page); plus the rows of
\`code_overlaps.tsv\` that are not NTSTATUS values (codes \`hresults.tsv\` already has with another
name: 2 WMI, 1 Delivery Optimization, 2 Intune). These codes are not in \`hresults.json\`, except the
overlaps, whose rows the decoder shows after (or, in a line of their family, before) the
\`hresults.json\` rows. Rows per file:

| Rows | File |
|---|---|
${f.perFile.map((p) => `| ${p.rows.length} | ${p.name} |`).join('\n')}

## ntstatus.json — NTSTATUS values

Same layout (facility numbers are NTSTATUS's 12-bit facility, named from \`ntstatus.h\`'s own list),
from \`ntstatus.tsv\` (${n.own.length} rows: every \`MessageId\` of \`shared/ntstatus.h\` in Windows SDK
10.0.22000.196 whose value \`hresults.tsv\` does not use) and the ${n.overlaps.length} NTSTATUS rows of
\`code_overlaps.tsv\` (values that \`hresults.tsv\` uses for an HRESULT). The decoder offers an
NTSTATUS meaning only where the line is about an NTSTATUS, or for a 0xC… value no HRESULT table has.

## statusMessages.json — ConfigMgr status messages

\`modules\` is \`${s.data.modules.join('`, `')}\`: a message ID is unique only within one message module.
\`messages\` maps a message ID to rows \`[severity letter or "", component or "", template, source
index, module index]\`, plus, when the source says which insertion string fills a \`<...>\` placeholder, a map
placeholder → ISTR index. Templates use \`%1\`, \`%2\` (filled from ISTR0, ISTR1) or \`<...>\` for a
variable part that a source showed only as an example. Rows come in this order: \`statmsg.tsv\`
(${s.curated.length} rows checked against log excerpts: WSUS synchronization 6700-6711, CI Assignment Manager
5800/5802, SMS Provider audit 30196-30226, Distribution Manager 2301/2399, Hierarchy Manager 3306,
cloud user sync 10000-10007; module not given there: 30000 and up are SMS Provider messages, the rest
site server messages), then \`statmsg_overlaps.tsv\` (${s.overlaps.length} rows: the spreadsheet's wording of those
IDs, with \`%n\` templates, and the client meanings of 10001-10007), then \`statmsg_more.tsv\`
(${s.more.length} rows for ${new Set(s.more.map((r) => r.message_id)).size} more IDs). The last two come from the community spreadsheet
KlausBilger/SCCM_MsgID (stated to be built from the ConfigMgr message DLLs, about 2019; third-party,
not checked against a Microsoft list); its sheet gives the module. Rows per source (the spreadsheet's
rows counted per sheet):

| Rows | Source |
|---|---|
${noticeTable(s.rows, (r) => r.source.replace(/^(github:KlausBilger\/SCCM_MsgID\S*) \((sheet "[^"]+").*$/, '$1 ($2)'))}

Status message attribute IDs (\`AIDn\`) are not in the reference data, so the decoder shows them as
numbers. \`statusMessages.ts\` decodes the severity letters (I/W/E: Informational, Warning, Error) and the
level letters M (Milestone) and D (Detail); A and N are read as Audit and NT Event, the other two
\`MessageType\` values of the \`SMS_StatusMessage\` WMI class, by their initial letter only (no
log line with them was found).

## stateMessages.json — state message topic types and state IDs

\`topics\` maps a topic type number to \`{name, rows}\`, each row \`[state ID or null, name, kind index,
source index]\`, kinds \`${t.data.kinds.join('`, `')}\`: \`description\` from Microsoft's
"State messages in Configuration Manager" reference page, \`v_StateNames\` from KB 4459394,
\`log_state_name\` the internal names UpdatesDeployment.log prints (KB 3090265), \`topic_type_only\`
for topic types listed without states. Rows per kind and source:

| Rows | Kind / source |
|---|---|
${noticeTable(t.rows, (r) => `${r.name_kind} — ${sourceOrigin(r.source)}`)}

The log words \`Evaluate\`, \`Enforce\` and \`Compliance\` map to 302, 301 and 300 as the reference
README explains (matched by state IDs and meanings; Compliance is reported with IsCompliant and no
state name).

## troubleshootingHints.json — troubleshooting hints (hand-written)

One row per error code that the seed document "Software Updates Management in Configuration
Manager" (\`../shared/seeds/000_1bbeee101073e624.txt\`, Troubleshooting section) names, with the
heading it appears under (verbatim), a summary and the steps to try, condensed from that document.
The second seed document ("Track software update compliance assessment", \`001_d337e0d8c8bc8701.txt\`)
names no error codes, so it contributes no rows.
`;
  writeFileSync(join(outDir, 'README.md'), text);
}

mkdirSync(outDir, { recursive: true });
const h = buildHresults();
const f = buildCodeFamilies();
const n = buildNtstatus();
const s = buildStatmsg();
const t = buildStateMessages();
const sizes = {
  hresults: writeJson('hresults.json', h.data, 'codes'),
  families: writeJson('codeFamilies.json', f.data, 'codes'),
  ntstatus: writeJson('ntstatus.json', n.data, 'codes'),
  statmsg: writeJson('statusMessages.json', s.data, 'messages'),
  state: writeJson('stateMessages.json', t.data, 'topics'),
};
sizes.packed = writePacked();
writeNotice(h, f, n, s, t, sizes);
console.log(
  `hresults.json: ${h.rows.length} rows, ${Object.keys(h.data.codes).length} codes, ${sizes.hresults} bytes; ` +
    `facility overrides: ${Object.keys(h.data.facilityOverrides).length}\n` +
    `codeFamilies.json: ${f.rows.length} rows, ${sizes.families} bytes\n` +
    `ntstatus.json: ${n.rows.length} rows, ${sizes.ntstatus} bytes\n` +
    `statusMessages.json: ${s.rows.length} rows, ${sizes.statmsg} bytes\n` +
    `stateMessages.json: ${t.rows.length} rows, ${sizes.state} bytes\n` +
    `packedTables.ts (${PACKED.join(', ')}): ${sizes.packed} bytes`,
);
