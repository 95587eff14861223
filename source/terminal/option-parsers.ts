import { InvalidArgumentError } from 'commander';

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('must be a whole number from 0 to 65535.');
  }
  return port;
}

export function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new InvalidArgumentError('must be a positive whole number.');
  return number;
}

export function parseHttpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be a full URL such as http://127.0.0.1:8000/v1.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('must start with http:// or https://.');
  return value.replace(/\/+$/, '');
}

/** An amount in USD (a leading `$` is allowed); `example` shows the unit the flag expects. */
export function usdParser(example: string): (value: string) => number {
  return (value) => {
    const amount = Number(value.trim().replace(/^\$/, ''));
    if (!Number.isFinite(amount) || amount < 0 || value.trim() === '') throw new InvalidArgumentError(`give ${example}.`);
    return amount;
  };
}
