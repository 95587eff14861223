import { printDiff } from '../terminal/print-diff.js';
import { canPrompt, paint, printLine } from '../terminal/output.js';
import { UserError } from '../user-error.js';

/**
 * Whether to write a connector's planned edit: --yes says so; a terminal asks (default no); without a
 * terminal nothing is written. `client` names the tool in the disconnect question ("Disconnect Codex ...").
 */
export async function confirmWrite(flags: { yes?: boolean }, action: 'connect' | 'disconnect', client: string): Promise<boolean> {
  if (flags.yes) return true;
  if (!canPrompt()) {
    throw new UserError('Not writing without confirmation, and there is no terminal to ask in. Nothing was written.', {
      hint: 'Re-run with --yes to apply this diff, or --dry-run to only see it.',
    });
  }
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message: `${action === 'disconnect' ? `Disconnect ${client} from isartor` : 'Write these changes'}?`, default: false });
}

/**
 * A connector's plan as every `connect` command shows and writes it: a plan with nothing to change says
 * so (`nothingToChange` names the state, e.g. "Codex is already connected to isartor as planned"); else
 * its diff, then, unless --dry-run or the user says no, `write` (apply and print the outcome).
 * False when --dry-run or a "no" left the file alone: the command stops there.
 */
export async function showAndWritePlan(
  plan: { unchanged: boolean; diff: string; action: 'connect' | 'disconnect' },
  flags: { yes?: boolean; dryRun?: boolean },
  client: string,
  nothingToChange: string,
  write: () => void,
): Promise<boolean> {
  if (plan.unchanged) {
    printLine(`${paint('green', '✓')} ${nothingToChange}: nothing to change.`);
    return true;
  }
  printDiff(plan.diff);
  if (flags.dryRun) {
    printLine(paint('yellow', 'Dry run: nothing was written.'));
    return false;
  }
  if (!(await confirmWrite(flags, plan.action, client))) {
    printLine('Nothing was written.');
    return false;
  }
  write();
  return true;
}
