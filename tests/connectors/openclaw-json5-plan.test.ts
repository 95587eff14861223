// Connect and disconnect on configs written the way OpenClaw's own docs write openclaw.json (JSON5: unquoted
// keys, single or double quotes, comments everywhere, trailing commas, agents keyed by id or listed).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSON5 from 'json5';
import { describe, expect, it } from 'vitest';
import { applyOpenClawPlan } from '../../source/connectors/openclaw/apply.js';
import type { OpenClawLocation } from '../../source/connectors/openclaw/config-path.js';
import { readConnectionRecord } from '../../source/connectors/openclaw/connection-record.js';
import { planOpenClawConnect, planOpenClawDisconnect, type OpenClawConnection } from '../../source/connectors/openclaw/plan.js';

const connection: OpenClawConnection = { gatewayUrl: 'http://127.0.0.1:8080', apiKey: 'isartor-local', model: 'gpt-oss', api: 'openai-completions' };

interface World {
  location: OpenClawLocation;
  isartorHome: string;
}

function world(config?: string): World {
  const dir = mkdtempSync(join(tmpdir(), 'isartor-openclaw-json5-'));
  const configPath = join(dir, 'openclaw.json');
  if (config !== undefined) writeFileSync(configPath, config);
  return { location: { configPath, stateDir: dir, source: 'test' }, isartorHome: mkdtempSync(join(tmpdir(), 'isartor-home-')) };
}

const connect = (w: World, over: Partial<OpenClawConnection> = {}) => planOpenClawConnect(w.location, { ...connection, ...over }, { isartorHome: w.isartorHome });
const disconnect = (w: World) => planOpenClawDisconnect(w.location, { isartorHome: w.isartorHome });
const read = (w: World) => readFileSync(w.location.configPath, 'utf8');

// The "Recommended starter" of OpenClaw's configuration examples, with a few of the habits its docs show.
const starter = `// ~/.openclaw/openclaw.json
{
  agents: {
    defaults: {
      workspace: "~/.openclaw/workspace",
      model: { primary: "anthropic/claude-sonnet-4-6", fallbacks: ["openai/gpt-5.4-mini"] },
      models: {
        "anthropic/claude-sonnet-4-6": { alias: "sonnet" }, // the default
      },
    },
    entries: {
      main: {
        identity: { name: "Clawd", theme: "helpful assistant", emoji: "🦞" },
        model: "anthropic/claude-opus-4-6", // strict per-agent primary
      },
    },
  },
  /* channels */
  channels: {
    whatsapp: {
      allowFrom: ["+15555550123"],
      groups: { "*": { requireMention: true } },
    },
  },
}
`;

const starterConnected = `// ~/.openclaw/openclaw.json
{
  agents: {
    defaults: {
      workspace: "~/.openclaw/workspace",
      model: { primary: "isartor/gpt-oss", fallbacks: ["openai/gpt-5.4-mini"] },
      models: {
        "anthropic/claude-sonnet-4-6": { alias: "sonnet" }, // the default
        "isartor/gpt-oss": {},
      },
    },
    entries: {
      main: {
        identity: { name: "Clawd", theme: "helpful assistant", emoji: "🦞" },
        model: "isartor/gpt-oss", // strict per-agent primary
      },
    },
  },
  /* channels */
  channels: {
    whatsapp: {
      allowFrom: ["+15555550123"],
      groups: { "*": { requireMention: true } },
    },
  },
  models: {
    providers: {
      isartor: {
        baseUrl: "http://127.0.0.1:8080/v1",
        apiKey: "isartor-local",
        api: "openai-completions",
        headers: {
          "x-isartor-client": "openclaw",
        },
        models: [
          {
            id: "gpt-oss",
            name: "Isartor (gpt-oss)",
          },
        ],
      },
    },
  },
}
`;

// Single quotes, a legacy agents.list roster, an allowlist policy, and no models block yet.
const legacy = `{
  gateway: { mode: 'local', port: 18789 }, // loopback only
  agents: {
    defaults: { model: 'groq/llama-3.3-70b', modelPolicy: { allow: ['groq/llama-3.3-70b'] } },
    list: [
      { id: 'helper', model: 'groq/llama-3.1-8b' },
      { id: 'main', default: true, model: { primary: 'groq/llama-3.3-70b', fallbacks: ['groq/llama-3.1-8b'] } }, // me
    ],
  },
}
`;

describe('connect on OpenClaw docs-style JSON5', () => {
  it('writes exactly the minimal edits, in the file style (unquoted keys, its quotes, trailing commas, comments in place)', () => {
    const w = world(starter);
    const plan = connect(w);
    expect(plan.after).toBe(starterConnected);
    applyOpenClawPlan(plan);
    expect(read(w)).toBe(starterConnected);
  });

  it('keeps single quotes and a legacy agents.list, updating only the main agent', () => {
    const w = world(legacy);
    const after = connect(w).after;
    expect(after).toContain("    defaults: { model: 'isartor/gpt-oss', modelPolicy: { allow: ['groq/llama-3.3-70b', 'isartor/gpt-oss'] } },\n");
    expect(after).toContain("      { id: 'helper', model: 'groq/llama-3.1-8b' },\n");
    expect(after).toContain("      { id: 'main', default: true, model: { primary: 'isartor/gpt-oss', fallbacks: ['groq/llama-3.1-8b'] } }, // me\n");
    expect(after).toContain("  models: {\n    providers: {\n      isartor: {\n        baseUrl: 'http://127.0.0.1:8080/v1',\n");
    expect(after.startsWith("{\n  gateway: { mode: 'local', port: 18789 }, // loopback only\n")).toBe(true);
  });

  it('names the agents that keep a model of their own (listed or keyed by id), not the main one it points at isartor', () => {
    expect(connect(world(legacy)).agentsOnOwnModel).toEqual([{ id: 'helper', model: 'groq/llama-3.1-8b' }]);
    const keyed = `{ agents: { entries: { main: { model: 'a/b' }, coder: { model: { primary: 'local/qwen' } }, writer: {}, old: { model: 'isartor/x' } } } }\n`;
    expect(connect(world(keyed)).agentsOnOwnModel).toEqual([{ id: 'coder', model: 'local/qwen' }]);
    expect(connect(world(starter)).agentsOnOwnModel).toEqual([]);
  });

  it('a second connect changes nothing', () => {
    for (const text of [starter, legacy]) {
      const w = world(text);
      applyOpenClawPlan(connect(w));
      const again = connect(w);
      expect(again.unchanged).toBe(true);
      expect(again.diff).toBe('');
    }
  });
});

describe('disconnect on OpenClaw docs-style JSON5', () => {
  it('with no later edits gives back the original bytes', () => {
    for (const text of [starter, legacy]) {
      const w = world(text);
      applyOpenClawPlan(connect(w));
      const plan = disconnect(w);
      expect(plan.after).toBe(text);
      applyOpenClawPlan(plan);
      expect(read(w)).toBe(text);
      expect(readConnectionRecord(w.isartorHome, w.location.configPath)).toBeUndefined();
    }
  });

  it('after a reconnect with another model still gives back the original', () => {
    const w = world(legacy);
    applyOpenClawPlan(connect(w));
    applyOpenClawPlan(connect(w, { model: 'gpt-4o-mini', gatewayUrl: 'http://127.0.0.1:18121' }));
    expect(read(w)).toContain("model: { primary: 'isartor/gpt-4o-mini'");
    expect(disconnect(w).after).toBe(legacy);
  });

  it('keeps what the user changed since, removes only isartor parts, and restores what isartor replaced', () => {
    const w = world(starter);
    applyOpenClawPlan(connect(w));
    // A normal week: a channel switched on, a concurrency setting, a fallback added, a comment.
    const edited = read(w)
      .replace('  /* channels */\n', '  /* channels */\n  // telegram too, since Tuesday\n')
      .replace('      groups: { "*": { requireMention: true } },\n    },\n', '      groups: { "*": { requireMention: true } },\n    },\n    telegram: { enabled: true },\n')
      .replace('fallbacks: ["openai/gpt-5.4-mini"]', 'fallbacks: ["openai/gpt-5.4-mini", "groq/llama-3.3-70b"]')
      .replace('      workspace: "~/.openclaw/workspace",\n', '      workspace: "~/.openclaw/workspace",\n      maxConcurrent: 4,\n');
    writeFileSync(w.location.configPath, edited);
    const after = disconnect(w).after;
    expect(after).toBe(
      starter
        .replace('  /* channels */\n', '  /* channels */\n  // telegram too, since Tuesday\n')
        .replace('      groups: { "*": { requireMention: true } },\n    },\n', '      groups: { "*": { requireMention: true } },\n    },\n    telegram: { enabled: true },\n')
        .replace('fallbacks: ["openai/gpt-5.4-mini"]', 'fallbacks: ["openai/gpt-5.4-mini", "groq/llama-3.3-70b"]')
        .replace('      workspace: "~/.openclaw/workspace",\n', '      workspace: "~/.openclaw/workspace",\n      maxConcurrent: 4,\n'),
    );
  });

  it('leaves a model the user switched away from isartor alone', () => {
    const w = world(starter);
    applyOpenClawPlan(connect(w));
    writeFileSync(w.location.configPath, read(w).replace('model: "isartor/gpt-oss", // strict', 'model: "openai/gpt-5.4", // strict'));
    const value = JSON5.parse(disconnect(w).after);
    expect(value.agents.entries.main.model).toBe('openai/gpt-5.4');
    expect(value.agents.defaults.model).toEqual({ primary: 'anthropic/claude-sonnet-4-6', fallbacks: ['openai/gpt-5.4-mini'] });
    expect(value.models).toBeUndefined();
  });

  it('forgets the record of a connection the user took out by hand: the next connect records the config as it is then', () => {
    const w = world();
    applyOpenClawPlan(connect(w)); // created the file
    writeFileSync(w.location.configPath, '// mine now\n{}\n');
    applyOpenClawPlan(connect(w));
    const plan = disconnect(w);
    expect(plan.deletions).toEqual([]);
    expect(plan.after).toBe('// mine now\n{}\n');
  });

  it('removes a config that connect created, when nothing else was added to it', () => {
    const w = world();
    applyOpenClawPlan(connect(w));
    expect(existsSync(w.location.configPath)).toBe(true);
    const plan = disconnect(w);
    expect(plan.deletions[0]?.path).toBe(w.location.configPath);
    applyOpenClawPlan(plan);
    expect(existsSync(w.location.configPath)).toBe(false);
  });

  it('refuses a JSON5 file that does not parse, with line and column, and writes nothing', () => {
    const broken = "{\n  agents: {\n    defaults: { model: 'x' ,, },\n  },\n}\n";
    const w = world(broken);
    expect(() => connect(w)).toThrow(/does not parse at line 3, column 29/);
    expect(read(w)).toBe(broken);
  });
});
