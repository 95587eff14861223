import { Command } from 'commander';
import { builtinPrices, builtinPricesCheckedOn, type ModelPrice } from '../stats/builtin-prices.js';
import { findPrice } from '../stats/price-book.js';
import { usdParser } from '../terminal/option-parsers.js';
import { ConfigStore } from '../store/config.js';
import { resolveStateDir } from '../store/state-dir.js';
import { UserError } from '../user-error.js';
import { paint, printJson, printLine, printTable } from '../terminal/output.js';

const parseUsd = usdParser('a price in USD per million tokens, like 0.15');

export function pricingCommand(): Command {
  const pricing = new Command('pricing').description('Model prices (USD per million tokens) that stats use for cost and money saved.');
  pricing.addCommand(
    new Command('set')
      .description('Set the price of a model; it wins over the built-in table and applies to a running gateway at once.')
      .argument('<model>', 'the model id as the provider names it (gpt-4o-mini), or provider/model (groq/openai/gpt-oss-120b)')
      .requiredOption('--input <usd>', 'USD per million input tokens', parseUsd)
      .requiredOption('--output <usd>', 'USD per million output tokens', parseUsd)
      .option('--cached-input <usd>', "USD per million input tokens served from the provider's prompt cache (default: the input price)", parseUsd)
      .addHelpText('after', '\nExample:\n  isartor pricing set my-azure-deployment --input 2.5 --output 10 \\\n    --cached-input 1.25')
      .action((model: string, flags: { input: number; output: number; cachedInput?: number }) => {
        const price: ModelPrice = { input: flags.input, output: flags.output, ...(flags.cachedInput === undefined ? {} : { cachedInput: flags.cachedInput }) };
        new ConfigStore(resolveStateDir()).setPrice(model.trim(), price);
        printLine(`${paint('green', '✓')} ${model}: ${describePrice(price)}. A running gateway uses it from its next request.`);
      }),
  );
  pricing.addCommand(
    new Command('unset')
      .description('Remove your price for a model (the built-in one, if any, applies again).')
      .argument('<model>', 'the model id or provider/model you set')
      .action((model: string) => {
        const store = new ConfigStore(resolveStateDir());
        if (!(model in store.read().pricing)) throw new UserError(`You have not set a price for "${model}".`, { hint: 'List prices with `isartor pricing list`.' });
        store.setPrice(model, undefined);
        printLine(`${paint('green', '✓')} Removed your price for ${model}.`);
      }),
  );
  pricing.addCommand(
    new Command('list')
      .description('Your prices and the built-in ones; with a model, which price applies to it.')
      .argument('[model]', 'a model id (optionally provider/model) to look up')
      .option('--json', 'print as JSON')
      .action((model: string | undefined, flags: { json?: boolean }) => {
        const user = new ConfigStore(resolveStateDir()).read().pricing;
        if (model) {
          const slash = model.indexOf('/');
          const found = findPrice(null, model, user) ?? (slash > 0 ? findPrice(model.slice(0, slash), model.slice(slash + 1), user) : undefined);
          if (flags.json) return printJson(found ?? null);
          if (!found) throw new UserError(`No price is known for "${model}": its cost shows as unpriced in stats.`, { hint: `Set one: \`isartor pricing set ${model} --input X --output Y\`` });
          printLine(`${model}: ${describePrice(found.price)} (${found.source === 'user' ? 'your price' : `built-in, checked ${builtinPricesCheckedOn}`}, entry "${found.key}")`);
          return;
        }
        if (flags.json) return printJson({ user, builtin: builtinPrices, builtinCheckedOn: builtinPricesCheckedOn });
        const rows = [
          ...Object.entries(user).map(([key, price]) => [key, ...priceCells(price), 'yours']),
          ...Object.entries(builtinPrices).map(([key, price]) => [key, ...priceCells(price), key in user ? 'built-in (overridden)' : 'built-in']),
        ];
        printTable(['model', 'input', 'output', 'cached input', 'source'], rows, { rightAlignFrom: 1 });
        printLine(paint('dim', `\nUSD per million tokens. Built-in list prices checked ${builtinPricesCheckedOn}; providers change them, so set your own where it matters.`));
      }),
  );
  return pricing;
}

function priceCells(price: ModelPrice): string[] {
  return [String(price.input), String(price.output), price.cachedInput === undefined ? '-' : String(price.cachedInput)];
}

function describePrice(price: ModelPrice): string {
  return `$${price.input} in / $${price.output} out${price.cachedInput === undefined ? '' : ` / $${price.cachedInput} cached in`} per million tokens`;
}

