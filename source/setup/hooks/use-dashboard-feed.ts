import { useEffect, type Dispatch } from 'react';
import type { SetupEffects } from '../effects.js';
import type { SetupAction, SetupState } from '../flow.js';

/**
 * While the dashboard shows: follows the gateway's /events, refreshes /stats, and ticks the clock the
 * request rate is measured against. Everything stops when the dashboard goes away (unmount or quit).
 */
export function useDashboardFeed(state: SetupState, dispatch: Dispatch<SetupAction>, effects: SetupEffects, refreshMs: number): void {
  const handle = state.screen === 'dashboard' && !state.dashboard.quitting ? state.gateway.handle : undefined;
  useEffect(() => {
    if (!handle) return;
    let live = true;
    const unsubscribe = effects.subscribeEvents(handle, {
      onRecord: (record) => live && dispatch({ type: 'requestSeen', record, at: Date.now() }),
      onStatus: (status) => live && dispatch({ type: 'eventsStatusChanged', status }),
    });
    let fetching = false;
    const refresh = () => {
      dispatch({ type: 'ticked', now: Date.now() });
      if (fetching) return;
      fetching = true;
      effects.fetchStats(handle).then(
        (stats) => live && dispatch({ type: 'statsFetched', stats }),
        (error: unknown) => live && dispatch({ type: 'statsFailed', message: error instanceof Error ? error.message : String(error) }),
      ).finally(() => {
        fetching = false;
      });
    };
    refresh();
    const timer = setInterval(refresh, refreshMs);
    return () => {
      live = false;
      clearInterval(timer);
      unsubscribe();
    };
  }, [handle, effects, dispatch, refreshMs]);
}
