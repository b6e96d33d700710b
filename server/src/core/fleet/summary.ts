// "Which machines are broken where, and why?": per flow, how many findings have each status, and the most common
// ways flows break (flow, step, code) with how often and on which machines. Fed machine by machine, so a fleet
// of any size costs only its distinct flows, statuses and breakages.
import type { FindingRow, MachineRow } from './rows';

export interface TopBreak {
  flow: string;
  step: string | null;
  code: string | null;
  code_name: string | null;
  /** Broken findings of this kind. */
  count: number;
  /** Machines with at least one. */
  machines: number;
  /** A few of them, by name. */
  examples: string[];
}

/** A machine that could not be read, and why. */
export interface UnreadMachine {
  machine: string;
  path: string;
  error: string;
}

export interface FleetSummary {
  /** Every machine of the fleet, read or not. */
  machines: number;
  /** The machines that could not be read (by name): their findings are not in the counts. */
  unreadable: UnreadMachine[];
  /** flow → status → findings (every status the engine gives, counted as it comes). */
  flows: Record<string, Record<string, number>>;
  top: TopBreak[];
}

const EXAMPLES = 3;
const TOP = 10;

export class SummaryBuilder {
  private machines = 0;
  private readonly unreadable: UnreadMachine[] = [];
  private readonly flows = new Map<string, Map<string, number>>();
  private readonly breaks = new Map<string, { row: TopBreak; names: Set<string> }>();

  addMachine(machine: MachineRow, findings: FindingRow[]): void {
    this.machines++;
    if (machine.status === 'failed')
      this.unreadable.push({ machine: machine.machine, path: machine.path, error: machine.error ?? 'not read' });
    for (const f of findings) {
      const statuses = this.flows.get(f.flow) ?? new Map<string, number>();
      statuses.set(f.status, (statuses.get(f.status) ?? 0) + 1);
      this.flows.set(f.flow, statuses);
      if (f.status === 'broken') this.addBreak(f);
    }
  }

  private addBreak(f: FindingRow): void {
    const id = JSON.stringify([f.flow, f.failed_step, f.code]);
    const entry = this.breaks.get(id) ?? {
      row: {
        flow: f.flow,
        step: f.failed_step,
        code: f.code,
        code_name: f.code_name,
        count: 0,
        machines: 0,
        examples: [],
      },
      names: new Set<string>(),
    };
    entry.row.count++;
    entry.names.add(f.machine);
    this.breaks.set(id, entry);
  }

  result(): FleetSummary {
    const flows: FleetSummary['flows'] = {};
    for (const flow of [...this.flows.keys()].sort())
      flows[flow] = Object.fromEntries([...this.flows.get(flow)!].sort(([a], [b]) => a.localeCompare(b)));
    const top = [...this.breaks.values()]
      .map(({ row, names }) => ({ ...row, machines: names.size, examples: [...names].sort().slice(0, EXAMPLES) }))
      .sort(
        (a, b) =>
          b.count - a.count ||
          b.machines - a.machines ||
          a.flow.localeCompare(b.flow) ||
          String(a.code).localeCompare(String(b.code)),
      )
      .slice(0, TOP);
    const unreadable = [...this.unreadable].sort((a, b) => a.machine.localeCompare(b.machine));
    return { machines: this.machines, unreadable, flows, top };
  }
}
