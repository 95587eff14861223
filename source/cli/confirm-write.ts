import { canPrompt } from '../terminal/output.js';
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
