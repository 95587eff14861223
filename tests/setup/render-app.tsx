import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach } from 'vitest';
import { SetupApp } from '../../source/setup/app.js';
import { themeFor } from '../../source/setup/components/theme.js';
import type { SetupEffects } from '../../source/setup/effects.js';
import { initialSetupState, setupReducer, type SetupAction, type SetupState } from '../../source/setup/flow.js';
import type { Rendered } from './ink-keys.js';

const mounted: Rendered[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const ui of mounted.splice(0)) ui.unmount();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function renderApp(effects: SetupEffects, initialState?: SetupState): Rendered {
  const ui = render(<SetupApp effects={effects} theme={themeFor({ NO_COLOR: '1' })} initialState={initialState ?? initialSetupState()} refreshMs={40} />);
  mounted.push(ui);
  return ui;
}

/** The state after these actions, for starting a test on a later screen. */
export function stateAfter(actions: SetupAction[], from: SetupState = initialSetupState()): SetupState {
  return actions.reduce(setupReducer, from);
}

export function tempDir(prefix = 'isartor-setup-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
