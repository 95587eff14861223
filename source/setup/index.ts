#!/usr/bin/env node
// Ink, React and the rest of the wizard take a few seconds to load on a cold cache (the first run
// after `npm ci`): say so at once, in the terminal the wizard will draw in, then load them.
const wantsHelp = process.argv.slice(2).some((arg) => ['-h', '--help', '-v', '--version'].includes(arg));
if (process.stdin.isTTY && process.stdout.isTTY && !process.env.CI && !wantsHelp) process.stdout.write('isartor setup: loading the wizard...');
await import('./main.js');
