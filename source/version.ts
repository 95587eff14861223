import { readFileSync } from 'node:fs';

// Resolves to the package root from both source/ (tests, tsx) and dist/ (the built CLI).
const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export const isartorVersion: string = packageJson.version;
