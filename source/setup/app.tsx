import { useApp } from 'ink';
import { useEffect, useReducer, useRef } from 'react';
import { SizeGuard } from './components/size-guard.js';
import { ThemeProvider, type Theme } from './components/theme.js';
import type { SetupEffects } from './effects.js';
import { initialSetupState, progressOf, setupReducer, type SetupState } from './flow.js';
import type { WizardProgress } from './progress.js';
import { probeAt } from './dashboard/probes.js';
import { useDashboardFeed } from './hooks/use-dashboard-feed.js';
import { KeyRouter } from './hooks/use-keys.js';
import { BaseUrlScreen } from './screens/base-url.js';
import { ConfirmScreen } from './screens/confirm.js';
import { DashboardScreen } from './screens/dashboard.js';
import { DiffScreen } from './screens/diff.js';
import { GatewayScreen } from './screens/gateway.js';
import { KeyScreen } from './screens/key.js';
import { ModelScreen } from './screens/model.js';
import { OpenClawScreen } from './screens/openclaw.js';
import { ProviderScreen } from './screens/provider.js';
import { WelcomeScreen } from './screens/welcome.js';

export interface SetupAppProps {
  effects: SetupEffects;
  theme: Theme;
  /** Start from this state (tests, media) instead of the welcome screen. */
  initialState?: SetupState;
  /** How often the dashboard refreshes /stats and its rate. */
  refreshMs?: number;
  /** Told of every state change: index.tsx prints a summary after an interrupted run. */
  onStateChange?: (state: SetupState) => void;
}

/**
 * The wizard: one reducer holds the flow; this component runs the effect each state asks for and
 * dispatches its result. It is the one place that exits.
 */
export function SetupApp({ effects, theme, initialState, refreshMs = 2000, onStateChange }: SetupAppProps) {
  const [state, dispatch] = useReducer(setupReducer, initialState ?? initialSetupState());
  const { exit } = useApp();
  const latest = useRef(state);
  latest.current = state;

  useEffect(() => onStateChange?.(state), [state, onStateChange]);

  // How far this run got is kept in the state dir, so Ctrl+C and a second run can resume it. Nothing is
  // written before a provider is chosen (opening the wizard must not forget an older run), and reaching
  // the dashboard forgets it.
  const savedProgress = useRef<{ progress: WizardProgress | undefined; key: string } | undefined>(undefined);
  useEffect(() => {
    if (!effects.saveProgress || state.mode !== 'setup') return;
    if (!state.providerId) return;
    const reachedDashboard = state.screen === 'dashboard';
    const previous = savedProgress.current?.progress ?? state.overview?.progress;
    const progress = reachedDashboard ? undefined : progressOf(state, previous);
    if (!reachedDashboard && !progress) return;
    const key = JSON.stringify(progress ?? null);
    if (savedProgress.current?.key === key) return;
    savedProgress.current = { progress, key };
    void effects.saveProgress(progress).catch(() => {});
  }, [state.screen, state.providerId, state.baseUrl, state.model, state.key.source, state.gateway.status, state.mode]);

  // Each effect below starts when the state enters the status that asks for it; a cleanup marks its
  // result stale, so going back (Esc) while it runs drops the answer instead of applying it.
  useEffect(() => {
    if (state.overview) return;
    let live = true;
    void effects.inspect().then(
      (overview) => live && dispatch({ type: 'overviewLoaded', overview }),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [effects]);

  useEffect(() => {
    if (state.key.check !== 'checking' || !state.providerId) return;
    let live = true;
    const input = { providerId: state.providerId, keySource: state.key.source, apiKey: state.key.value, baseUrl: state.baseUrl };
    void effects.checkKey(input).then(
      (result) => live && dispatch({ type: 'keyChecked', result }),
      (error: unknown) =>
        live &&
        dispatch({
          type: 'keyChecked',
          result: {
            ok: false,
            provider: input.providerId,
            baseUrl: input.baseUrl ?? '',
            request: '',
            status: null,
            latencyMs: 0,
            model: null,
            modelFound: null,
            problem: { kind: 'other', message: messageOf(error), fix: 'Check the provider settings, then retry.' },
          },
        }),
    );
    return () => {
      live = false;
    };
  }, [state.key.check]);

  useEffect(() => {
    if (state.gateway.status !== 'starting') return;
    let live = true;
    const { providerId, model, gateway } = latest.current;
    const run = async () => {
      if (latest.current.mode === 'demo') {
        const handle = await effects.startDemo();
        if (live) dispatch({ type: 'gatewayStarted', gateway: handle });
        return;
      }
      if (providerId) {
        const { key, baseUrl } = latest.current;
        await effects.saveProvider({ providerId, keySource: key.source, apiKey: key.value, baseUrl, model });
      }
      const outcome = await effects.startGateway({ port: gateway.port, restart: gateway.restart });
      if (!live) return;
      if (outcome.kind === 'running') dispatch({ type: 'gatewayStarted', gateway: outcome.gateway });
      else if (outcome.kind === 'portInUse') dispatch({ type: 'gatewayPortInUse', port: outcome.port, suggestedPort: outcome.suggestedPort });
      else dispatch({ type: 'gatewayFailed', message: outcome.message, hint: outcome.hint });
    };
    run().catch((error: unknown) => live && dispatch({ type: 'gatewayFailed', message: messageOf(error), hint: undefined }));
    return () => {
      live = false;
    };
  }, [state.gateway.status]);

  useEffect(() => {
    if (state.openClaw.status !== 'looking') return;
    let live = true;
    void effects.findOpenClaw().then(
      (finding) => live && dispatch({ type: 'openClawFound', finding }),
      () => {},
    );
    void effects.findAgents?.().then(
      (agents) => live && dispatch({ type: 'agentsFound', agents }),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [state.openClaw.status]);

  useEffect(() => {
    const { gateway, model } = latest.current;
    if (state.plan.status !== 'planning' || !gateway.handle) return;
    let live = true;
    const agentId = latest.current.agentId;
    effects.planOpenClaw({ gateway: gateway.handle, model: model ?? gateway.handle.model ?? '', ...(agentId === 'openclaw' ? {} : { agentId }) }).then(
      (outcome) => {
        if (!live) return;
        if (outcome.kind === 'ready') dispatch({ type: 'planReady', plan: outcome.plan });
        else dispatch({ type: 'planRefused', message: outcome.message, hint: outcome.hint });
      },
      (error: unknown) => live && dispatch({ type: 'planRefused', message: messageOf(error), hint: undefined }),
    );
    return () => {
      live = false;
    };
  }, [state.plan.status]);

  useEffect(() => {
    const plan = latest.current.plan.plan;
    if (state.write.status !== 'writing' || !plan) return;
    const agentId = latest.current.agentId;
    (agentId === 'openclaw' ? effects.applyOpenClaw(plan) : effects.applyOpenClaw(plan, agentId)).then(
      (outcome) => dispatch({ type: 'writeFinished', outcome }),
      (error: unknown) => dispatch({ type: 'writeFailed', message: messageOf(error) }),
    );
  }, [state.write.status]);

  useDashboardFeed(state, dispatch, effects, refreshMs);

  useEffect(() => {
    const handle = latest.current.gateway.handle;
    if (state.dashboard.probe.status !== 'running' || !handle) return;
    void effects.probe(handle, probeAt(latest.current.dashboard.probe.sent)).then((result) => dispatch({ type: 'probeFinished', result }));
  }, [state.dashboard.probe.status]);

  useEffect(() => {
    const handle = latest.current.gateway.handle;
    if (state.dashboard.quitting !== 'stop' || !handle) return;
    effects.stopGateway(handle).then(
      () => dispatch({ type: 'gatewayStopped', error: undefined }),
      (error: unknown) => dispatch({ type: 'gatewayStopped', error: messageOf(error) }),
    );
  }, [state.dashboard.quitting]);

  useEffect(() => {
    // Let the goodbye frame render before Ink unmounts.
    if (!state.dashboard.finished) return;
    const timer = setTimeout(() => exit(), 0);
    return () => clearTimeout(timer);
  }, [state.dashboard.finished]);

  return (
    <ThemeProvider theme={theme}>
      <KeyRouter>
        <SizeGuard>{renderScreen(state, dispatch)}</SizeGuard>
      </KeyRouter>
    </ThemeProvider>
  );
}

function renderScreen(state: SetupState, dispatch: React.Dispatch<Parameters<typeof setupReducer>[1]>) {
  const props = { state, dispatch };
  switch (state.screen) {
    case 'welcome':
      return <WelcomeScreen {...props} />;
    case 'provider':
      return <ProviderScreen {...props} />;
    case 'baseUrl':
      return <BaseUrlScreen {...props} />;
    case 'key':
      return <KeyScreen key={state.providerId} {...props} />;
    case 'model':
      return <ModelScreen {...props} />;
    case 'gateway':
      return <GatewayScreen {...props} />;
    case 'openclaw':
      return <OpenClawScreen {...props} />;
    case 'diff':
      return <DiffScreen {...props} />;
    case 'confirm':
      return <ConfirmScreen {...props} />;
    case 'dashboard':
      return <DashboardScreen {...props} />;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
