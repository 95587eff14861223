import type { Dispatch } from 'react';
import type { SetupAction, SetupState } from '../flow.js';

/** Screens are thin: they render the state and turn key presses into actions. */
export interface ScreenProps {
  state: SetupState;
  dispatch: Dispatch<SetupAction>;
}
