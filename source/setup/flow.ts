import { findProvider, type ProviderSpec } from '../providers/catalog.js';
import type { CheckResult } from '../providers/check-provider.js';
import type { AgentFinding, AgentPlan, ApplyOutcome, EventsStatus, GatewayHandle, KeySource, OpenClawFinding, ProbeResult, SetupOverview } from './effects.js';
import type { LiveRequestRecord, StatsReport } from './gateway-contracts.js';
import { isProgressStep, type WizardProgress } from './progress.js';

/**
 * The whole wizard as one pure reducer (as ink-ui's widgets are): screens render a state and dispatch
 * actions; app.tsx runs the effects an action asks for and dispatches their results.
 */

export type Screen = 'welcome' | 'provider' | 'baseUrl' | 'key' | 'model' | 'gateway' | 'openclaw' | 'diff' | 'confirm' | 'dashboard';


export interface DashboardState {
  stats: StatsReport | undefined;
  statsError: string | undefined;
  events: EventsStatus;
  /** Newest last; the log shows them, the rate counts them. */
  recent: LiveRequestRecord[];
  /** Requests seen since the dashboard opened; recent[i] is number seen - recent.length + i. */
  seen: number;
  /** Arrival times (ms) of the last requests, for requests per second. */
  arrivals: number[];
  now: number;
  /** `sent` counts the probes sent so far: the next one is probeAt(sent). */
  probe: { status: 'idle' | 'running' | 'done'; result: ProbeResult | undefined; sent: number };
  quitting: 'leave' | 'stop' | undefined;
  /** The wizard may exit: quit with the gateway left running, or the gateway has stopped. */
  finished: boolean;
  stopError: string | undefined;
}

export interface SetupState {
  screen: Screen;
  mode: 'setup' | 'demo';
  overview: SetupOverview | undefined;
  providerId: string | undefined;
  baseUrl: string | undefined;
  key: { value: string | undefined; source: KeySource; check: 'idle' | 'checking' | 'ok' | 'failed'; result: CheckResult | undefined };
  models: string[];
  model: string | undefined;
  gateway: {
    status: 'idle' | 'starting' | 'running' | 'portInUse' | 'failed';
    port: number | undefined;
    restart: boolean;
    suggestedPort: number | undefined;
    handle: GatewayHandle | undefined;
    message: string | undefined;
    hint: string | undefined;
  };
  openClaw: { status: 'idle' | 'looking' | 'found' | 'absent' | 'skipped'; finding: OpenClawFinding | undefined };
  /** Agent tools besides OpenClaw that registered connectors found installed. */
  agents: AgentFinding[];
  /** The tool the planned edit is for: 'openclaw', or another connector's id. */
  agentId: string;
  plan: { status: 'idle' | 'planning' | 'ready' | 'refused'; plan: AgentPlan | undefined; message: string | undefined; hint: string | undefined };
  write: { status: 'idle' | 'writing' | 'written' | 'declined' | 'failed' | 'unchanged'; outcome: ApplyOutcome | undefined; message: string | undefined };
  dashboard: DashboardState;
  /** Where a shortcut from Welcome goes once the gateway runs: the dashboard, or the step a resumed run left off at. */
  jump: 'dashboard' | 'openclaw' | undefined;
}

export type SetupAction =
  | { type: 'overviewLoaded'; overview: SetupOverview }
  | { type: 'setupStarted' }
  | { type: 'demoChosen' }
  | { type: 'resumeChosen' }
  | { type: 'dashboardChosen' }
  | { type: 'back' }
  | { type: 'providerChosen'; providerId: string }
  | { type: 'baseUrlEntered'; baseUrl: string }
  | { type: 'keySubmitted'; apiKey: string | undefined; source: KeySource }
  | { type: 'keyChecked'; result: CheckResult }
  | { type: 'keyRetried' }
  | { type: 'keyEditRequested' }
  | { type: 'modelChosen'; model: string }
  | { type: 'gatewayStarted'; gateway: GatewayHandle }
  | { type: 'gatewayPortInUse'; port: number; suggestedPort: number | undefined }
  | { type: 'gatewayFailed'; message: string; hint: string | undefined }
  | { type: 'gatewayRetried' }
  | { type: 'gatewayRestartRequested' }
  | { type: 'portChosen'; port: number }
  | { type: 'gatewayContinued' }
  | { type: 'openClawFound'; finding: OpenClawFinding }
  | { type: 'openClawSkipped' }
  | { type: 'planRequested' }
  | { type: 'planReady'; plan: AgentPlan }
  | { type: 'agentsFound'; agents: AgentFinding[] }
  | { type: 'agentChosen'; agentId: string }
  | { type: 'planRefused'; message: string; hint: string | undefined }
  | { type: 'diffAccepted' }
  | { type: 'writeConfirmed' }
  | { type: 'writeDeclined' }
  | { type: 'writeFinished'; outcome: ApplyOutcome }
  | { type: 'writeFailed'; message: string }
  | { type: 'dashboardOpened' }
  | { type: 'statsFetched'; stats: StatsReport }
  | { type: 'statsFailed'; message: string }
  | { type: 'eventsStatusChanged'; status: EventsStatus }
  | { type: 'requestSeen'; record: LiveRequestRecord; at: number }
  | { type: 'ticked'; now: number }
  | { type: 'probeStarted' }
  | { type: 'probeFinished'; result: ProbeResult }
  | { type: 'quitRequested'; stopGateway: boolean }
  | { type: 'gatewayStopped'; error: string | undefined };

/** How many requests the dashboard keeps for its log and rate. */
export const recentLimit = 200;
/** Requests per second is averaged over this window. */
export const rateWindowMs = 10_000;

export function initialSetupState(options: { demo?: boolean; port?: number | undefined; now?: number } = {}): SetupState {
  const state: SetupState = {
    screen: 'welcome',
    mode: 'setup',
    overview: undefined,
    providerId: undefined,
    baseUrl: undefined,
    key: { value: undefined, source: 'none', check: 'idle', result: undefined },
    models: [],
    model: undefined,
    gateway: { status: 'idle', port: options.port, restart: false, suggestedPort: undefined, handle: undefined, message: undefined, hint: undefined },
    openClaw: { status: 'idle', finding: undefined },
    agents: [],
    agentId: 'openclaw',
    plan: { status: 'idle', plan: undefined, message: undefined, hint: undefined },
    write: { status: 'idle', outcome: undefined, message: undefined },
    dashboard: {
      stats: undefined,
      statsError: undefined,
      events: 'connecting',
      recent: [],
      seen: 0,
      arrivals: [],
      now: options.now ?? 0,
      probe: { status: 'idle', result: undefined, sent: 0 },
      quitting: undefined,
      finished: false,
      stopError: undefined,
    },
    jump: undefined,
  };
  return options.demo ? setupReducer(state, { type: 'demoChosen' }) : state;
}

/** The provider chosen, from the catalog. */
export function chosenProvider(state: SetupState): ProviderSpec | undefined {
  return state.providerId ? findProvider(state.providerId) : undefined;
}

/** The label without its parenthesis: "Any OpenAI-compatible server", "Google Gemini". */
export function shortLabel(spec: ProviderSpec | undefined): string {
  return spec ? spec.label.replace(/\s*\(.*$/, '') : 'the provider';
}

/** Whether the provider takes a key at all (Ollama does not). */
export function takesKey(spec: ProviderSpec): boolean {
  return spec.auth !== 'none';
}

export function setupReducer(state: SetupState, action: SetupAction): SetupState {
  switch (action.type) {
    case 'overviewLoaded':
      return { ...state, overview: action.overview };

    case 'setupStarted':
      return state.screen === 'welcome' ? { ...state, screen: 'provider', mode: 'setup' } : state;

    case 'demoChosen':
      return { ...state, mode: 'demo', screen: 'gateway', jump: undefined, gateway: { ...state.gateway, status: 'starting', message: undefined, hint: undefined } };

    case 'resumeChosen': {
      const progress = state.overview?.progress;
      return state.screen === 'welcome' && progress ? resume(state, progress) : state;
    }

    case 'dashboardChosen':
      // The running gateway is reused (or the configured one started), then the dashboard opens.
      if (state.screen !== 'welcome' || !(state.overview?.gateway || state.overview?.configured)) return state;
      return { ...state, mode: 'setup', screen: 'gateway', jump: 'dashboard', gateway: { ...state.gateway, status: 'starting', restart: false, message: undefined, hint: undefined } };

    case 'back':
      return back(state);

    case 'providerChosen': {
      const spec = findProvider(action.providerId);
      if (!spec || state.screen !== 'provider') return state;
      const sameProvider = spec.id === state.providerId;
      const next: SetupState = {
        ...state,
        providerId: spec.id,
        // Coming back to a provider: its stored base URL is where it lives.
        baseUrl: sameProvider ? state.baseUrl : state.overview?.providers?.[spec.id]?.baseUrl,
        key: { value: undefined, source: 'none', check: 'idle', result: undefined },
        models: [],
        model: sameProvider ? state.model : undefined,
      };
      if (spec.baseUrl === undefined) return { ...next, screen: 'baseUrl' };
      return enterKeyScreen(next, spec);
    }

    case 'baseUrlEntered': {
      const spec = chosenProvider(state);
      if (!spec || state.screen !== 'baseUrl') return state;
      return enterKeyScreen({ ...state, baseUrl: action.baseUrl.trim().replace(/\/+$/, '') }, spec);
    }

    case 'keySubmitted':
      if (state.screen !== 'key' || state.key.check === 'checking') return state;
      return { ...state, key: { value: action.apiKey, source: action.source, check: 'checking', result: undefined } };

    case 'keyChecked': {
      // A check finishing after the user went back is stale.
      if (state.screen !== 'key' || state.key.check !== 'checking') return state;
      if (!action.result.ok) return { ...state, key: { ...state.key, check: 'failed', result: action.result } };
      const spec = chosenProvider(state);
      // The model chosen before (this run, a resumed one, or the config) stays the one Enter picks.
      const preferred = state.model ?? (spec ? state.overview?.providers?.[spec.id]?.model : undefined);
      const models = modelChoices(spec, action.result, preferred);
      return { ...state, screen: 'model', key: { ...state.key, check: 'ok', result: action.result }, models, model: preferred ?? spec?.defaultModel ?? models[0] };
    }

    case 'keyRetried':
      return state.screen === 'key' && state.key.check === 'failed' ? { ...state, key: { ...state.key, check: 'checking', result: undefined } } : state;

    case 'keyEditRequested':
      return state.screen === 'key' ? { ...state, key: { value: undefined, source: 'none', check: 'idle', result: undefined } } : state;

    case 'modelChosen':
      if (state.screen !== 'model' || !action.model.trim()) return state;
      return {
        ...state,
        screen: 'gateway',
        model: action.model.trim(),
        gateway: { ...state.gateway, status: 'starting', restart: false, message: undefined, hint: undefined },
      };

    case 'gatewayStarted':
      if (state.screen !== 'gateway' || state.gateway.status !== 'starting') return state;
      {
        const next: SetupState = { ...state, jump: undefined, gateway: { ...state.gateway, status: 'running', handle: action.gateway, message: undefined, hint: undefined } };
        if (state.mode === 'demo' || state.jump === 'dashboard') return openDashboard(next);
        if (state.jump === 'openclaw') return { ...next, screen: 'openclaw', openClaw: { status: 'looking', finding: undefined } };
        return next;
      }

    case 'gatewayPortInUse':
      if (state.gateway.status !== 'starting') return state;
      return { ...state, gateway: { ...state.gateway, status: 'portInUse', port: action.port, suggestedPort: action.suggestedPort } };

    case 'gatewayFailed':
      if (state.gateway.status !== 'starting') return state;
      return { ...state, gateway: { ...state.gateway, status: 'failed', message: action.message, hint: action.hint } };

    case 'gatewayRetried':
      return state.gateway.status === 'failed' ? { ...state, gateway: { ...state.gateway, status: 'starting', message: undefined, hint: undefined } } : state;

    case 'gatewayRestartRequested':
      if (state.gateway.status !== 'running' || state.gateway.handle?.kind !== 'reused') return state;
      return { ...state, gateway: { ...state.gateway, status: 'starting', restart: true, handle: undefined } };

    case 'portChosen':
      if (state.gateway.status !== 'portInUse') return state;
      return { ...state, gateway: { ...state.gateway, status: 'starting', port: action.port, suggestedPort: undefined } };

    case 'gatewayContinued':
      if (state.screen !== 'gateway' || state.gateway.status !== 'running') return state;
      return { ...state, screen: 'openclaw', openClaw: { status: 'looking', finding: undefined } };

    case 'openClawFound':
      if (state.screen !== 'openclaw') return state;
      return { ...state, openClaw: { status: action.finding.configExists || action.finding.version ? 'found' : 'absent', finding: action.finding } };

    case 'openClawSkipped':
      if (state.screen !== 'openclaw' && state.screen !== 'diff') return state;
      return openDashboard({ ...state, openClaw: { ...state.openClaw, status: 'skipped' }, write: { ...state.write, status: 'idle' } });

    case 'planRequested':
      if (state.screen !== 'openclaw' || state.openClaw.status === 'looking') return state;
      return { ...state, screen: 'diff', agentId: 'openclaw', plan: { status: 'planning', plan: undefined, message: undefined, hint: undefined } };

    case 'agentsFound':
      return state.screen === 'openclaw' ? { ...state, agents: action.agents } : state;

    case 'agentChosen':
      // Another registered tool instead of OpenClaw: the same diff, confirm and write steps, through its connector.
      if (state.screen !== 'openclaw' || state.openClaw.status === 'looking' || !state.agents.some((agent) => agent.id === action.agentId)) return state;
      return { ...state, screen: 'diff', agentId: action.agentId, plan: { status: 'planning', plan: undefined, message: undefined, hint: undefined } };

    case 'planReady':
      if (state.screen !== 'diff' || state.plan.status !== 'planning') return state;
      return { ...state, plan: { status: 'ready', plan: action.plan, message: undefined, hint: undefined } };

    case 'planRefused':
      if (state.screen !== 'diff' || state.plan.status !== 'planning') return state;
      return { ...state, plan: { status: 'refused', plan: undefined, message: action.message, hint: action.hint } };

    case 'diffAccepted':
      if (state.screen !== 'diff' || state.plan.status !== 'ready' || !state.plan.plan) return state;
      if (state.plan.plan.unchanged) return openDashboard({ ...state, write: { status: 'unchanged', outcome: undefined, message: undefined } });
      return { ...state, screen: 'confirm', write: { status: 'idle', outcome: undefined, message: undefined } };

    case 'writeConfirmed':
      if (state.screen !== 'confirm' || state.write.status !== 'idle') return state;
      return { ...state, write: { ...state.write, status: 'writing' } };

    case 'writeDeclined':
      if (state.screen !== 'confirm' || state.write.status !== 'idle') return state;
      return { ...state, write: { ...state.write, status: 'declined' } };

    case 'writeFinished':
      if (state.write.status !== 'writing') return state;
      return { ...state, write: { status: 'written', outcome: action.outcome, message: undefined } };

    case 'writeFailed':
      if (state.write.status !== 'writing') return state;
      return { ...state, write: { status: 'failed', outcome: undefined, message: action.message } };

    case 'dashboardOpened':
      if (state.screen !== 'confirm' || !['written', 'declined', 'failed'].includes(state.write.status)) return state;
      return openDashboard(state);

    case 'statsFetched':
      return withDashboard(state, { stats: action.stats, statsError: undefined });

    case 'statsFailed':
      return withDashboard(state, { statsError: action.message });

    case 'eventsStatusChanged':
      return withDashboard(state, { events: action.status });

    case 'requestSeen': {
      const { dashboard } = state;
      return withDashboard(state, {
        recent: [...dashboard.recent, action.record].slice(-recentLimit),
        seen: dashboard.seen + 1,
        arrivals: [...dashboard.arrivals.filter((t) => t > action.at - rateWindowMs), action.at],
        now: Math.max(dashboard.now, action.at),
        events: 'live',
      });
    }

    case 'ticked':
      return withDashboard(state, { now: action.now, arrivals: state.dashboard.arrivals.filter((t) => t > action.now - rateWindowMs) });

    case 'probeStarted':
      if (state.screen !== 'dashboard' || state.dashboard.probe.status === 'running') return state;
      return withDashboard(state, { probe: { ...state.dashboard.probe, status: 'running' } });

    case 'probeFinished':
      if (state.dashboard.probe.status !== 'running') return state;
      return withDashboard(state, { probe: { status: 'done', result: action.result, sent: state.dashboard.probe.sent + 1 } });

    case 'quitRequested':
      if (state.screen !== 'dashboard' || state.dashboard.quitting) return state;
      // The demo gateway lives in this process, so quitting always stops it.
      if (action.stopGateway || state.mode === 'demo') return withDashboard(state, { quitting: 'stop' });
      return withDashboard(state, { quitting: 'leave', finished: true });

    case 'gatewayStopped':
      if (state.dashboard.quitting !== 'stop') return state;
      return withDashboard(state, { finished: true, stopError: action.error });
  }
}

/** Requests per second over the rate window. */
export function requestsPerSecond(dashboard: DashboardState): number {
  const recent = dashboard.arrivals.filter((t) => t > dashboard.now - rateWindowMs);
  return recent.length / (rateWindowMs / 1000);
}

function enterKeyScreen(state: SetupState, spec: ProviderSpec): SetupState {
  // Nothing to type for a keyless provider: the check starts at once.
  if (!takesKey(spec)) return { ...state, screen: 'key', key: { value: undefined, source: 'none', check: 'checking', result: undefined } };
  return { ...state, screen: 'key' };
}

function openDashboard(state: SetupState): SetupState {
  return { ...state, screen: 'dashboard' };
}

function withDashboard(state: SetupState, patch: Partial<DashboardState>): SetupState {
  return { ...state, dashboard: { ...state.dashboard, ...patch } };
}

/** The provider's own list when the check could read it, with the catalog default first and the model chosen before ahead of it when the list lacks it. */
function modelChoices(spec: ProviderSpec | undefined, result: CheckResult, preferred: string | undefined): string[] {
  const listed = result.availableModels ?? [];
  const first = [...(preferred && !listed.includes(preferred) ? [preferred] : []), ...(spec?.defaultModel ? [spec.defaultModel] : [])];
  return [...new Set([...first, ...listed])];
}

/** A run that stopped before the dashboard, continued: each field as it was, on the step it reached. */
function resume(state: SetupState, progress: WizardProgress): SetupState {
  const spec = findProvider(progress.providerId);
  if (!spec) return state;
  const keySource = progress.saved && progress.keySource === 'typed' ? 'stored' : progress.keySource;
  const base: SetupState = { ...state, mode: 'setup', providerId: spec.id, baseUrl: progress.baseUrl ?? state.overview?.providers?.[spec.id]?.baseUrl, model: progress.model, models: [] };
  const step = progress.step;
  if (step === 'provider') return { ...base, screen: 'provider' };
  if (step === 'baseUrl' || (spec.baseUrl === undefined && !base.baseUrl)) return { ...base, screen: 'baseUrl' };
  if (step === 'key' || step === 'model' || !progress.saved) {
    // A typed key was not kept: it is asked for again. Any other source is checked at once.
    if (keySource === 'typed' || step === 'key') return enterKeyScreen({ ...base, key: { value: undefined, source: 'none', check: 'idle', result: undefined } }, spec);
    return { ...base, screen: 'key', key: { value: undefined, source: keySource, check: 'checking', result: undefined } };
  }
  // The provider was saved: start (or reuse) the gateway, then go on to the step after it.
  return {
    ...base,
    screen: 'gateway',
    key: { value: undefined, source: keySource, check: 'ok', result: undefined },
    jump: step === 'gateway' ? undefined : 'openclaw',
    gateway: { ...state.gateway, status: 'starting', restart: false, message: undefined, hint: undefined },
  };
}

/** What to keep of this run for the next one; undefined when there is nothing to resume (not started, a demo, or finished). */
export function progressOf(state: SetupState, previous: WizardProgress | undefined): WizardProgress | undefined {
  if (state.mode !== 'setup' || !state.providerId || state.screen === 'dashboard' || state.screen === 'welcome' || !isProgressStep(state.screen)) return undefined;
  const saved = Boolean(previous?.saved && previous.providerId === state.providerId) || ['openclaw', 'diff', 'confirm'].includes(state.screen) || (state.screen === 'gateway' && state.gateway.status !== 'idle');
  return { providerId: state.providerId, baseUrl: state.baseUrl, model: state.model, keySource: state.key.source, step: state.screen, saved };
}

function back(state: SetupState): SetupState {
  const spec = chosenProvider(state);
  switch (state.screen) {
    case 'welcome':
    case 'dashboard':
      return state;
    case 'provider':
      return { ...state, screen: 'welcome' };
    case 'baseUrl':
      return { ...state, screen: 'provider' };
    case 'key':
      return { ...state, screen: spec?.baseUrl === undefined ? 'baseUrl' : 'provider', key: { ...state.key, check: 'idle', result: undefined } };
    case 'model':
      if (spec && !takesKey(spec)) return { ...state, screen: spec.baseUrl === undefined ? 'baseUrl' : 'provider', key: { ...state.key, check: 'idle' } };
      return { ...state, screen: 'key', key: { ...state.key, check: 'idle', result: undefined } };
    case 'gateway':
      // A start in progress cannot be taken back; wait for it to finish.
      if (state.gateway.status === 'starting') return state;
      if (state.mode === 'demo' || !state.providerId) return { ...state, screen: 'welcome', mode: 'setup', jump: undefined, gateway: { ...state.gateway, status: 'idle' } };
      return { ...state, screen: 'model', gateway: { ...state.gateway, status: 'idle' } };
    case 'openclaw':
      return { ...state, screen: 'gateway', openClaw: { status: 'idle', finding: undefined } };
    case 'diff':
      return { ...state, screen: 'openclaw', plan: { status: 'idle', plan: undefined, message: undefined, hint: undefined } };
    case 'confirm':
      if (state.write.status !== 'idle') return state;
      return { ...state, screen: 'diff' };
  }
}
