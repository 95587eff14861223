import { Command } from 'commander';
import { wrapHelpAt80 } from '../terminal/help-layout.js';
import { isartorVersion } from '../version.js';
import { aliasCommand } from './alias.js';
import { checkCommand } from './check.js';
import { connectCommand } from './connect.js';
import { demoCommand } from './demo.js';
import { downCommand } from './down.js';
import { fallbacksCommand } from './fallbacks.js';
import { keysCommand } from './keys.js';
import { providersCommand } from './providers.js';
import { setKeyCommand } from './set-key.js';
import { pricingCommand } from './pricing.js';
import { setupCommand } from './setup.js';
import { statsCommand } from './stats.js';
import { statusCommand } from './status.js';
import { serviceCommand } from './service.js';
import { upCommand } from './up.js';

export function buildProgram(): Command {
  const program = new Command('isartor')
    .description('A local LLM gateway for AI agent tools: caches repeated prompts and forwards the rest to your provider.')
    .version(isartorVersion, '-v, --version', 'print the version')
    .showSuggestionAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      `
Quick start:
  isartor set-key -p groq      store a provider key (hidden prompt)
  isartor check                verify key, base URL and model live
  isartor up --detach          start the gateway on http://127.0.0.1:8080
                               (--port saves another)
  isartor connect openclaw     point OpenClaw at it (shows the diff first)
  isartor connect claude-code  point Claude Code at it
                               (its settings.json env block)
  isartor status               see it running
  isartor service install      start it at every login
                               (systemd user unit, launchd agent)
  isartor stats --by-tool      cache hits, latency and tokens saved per tool
  isartor keys create --alias openclaw --budget 50
                               a tool's own key, budget and models
  isartor down                 stop it
  isartor demo                 try it without a key (built-in echo provider)

Routing:
  isartor set-key -p openai --keep-default          add a second provider
  isartor alias claude-sonnet-4-5-20250929 groq/openai/gpt-oss-120b
  isartor fallbacks default openai/gpt-4o-mini      when the default fails
  isartor providers                                 see it all

State (config, cache, logs, pid) lives in $ISARTOR_HOME, default ~/.isartor.`,
    );
  for (const command of [
    setKeyCommand(),
    checkCommand(),
    providersCommand(),
    aliasCommand(),
    fallbacksCommand(),
    upCommand(),
    downCommand(),
    connectCommand(),
    statusCommand(),
    serviceCommand(),
    statsCommand(),
    pricingCommand(),
    keysCommand(),
    demoCommand(),
    setupCommand(),
  ]) {
    program.addCommand(command.exitOverride());
  }
  return wrapHelpAt80(program);
}
