/**
 * A small ANSI -> SVG renderer for terminal captures: one monospace <text> row per line, one <tspan>
 * per run of equal style. Knows the SGR codes Ink emits (bold, dim, inverse, 16/256/truecolour).
 */

interface Style {
  fg: string | undefined;
  bg: string | undefined;
  bold: boolean;
  dim: boolean;
  inverse: boolean;
}

const palette = ['#1e1e1e', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#e5e5e5'];
const bright = ['#666666', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#ffffff'];
const defaultFg = '#d4d4d4';
const defaultBg = '#1e1e1e';

function color256(n: number): string {
  if (n < 8) return palette[n]!;
  if (n < 16) return bright[n - 8]!;
  if (n >= 232) {
    const level = 8 + (n - 232) * 10;
    return `rgb(${level},${level},${level})`;
  }
  const index = n - 16;
  const scale = (v: number) => (v === 0 ? 0 : 55 + v * 40);
  return `rgb(${scale(Math.floor(index / 36))},${scale(Math.floor(index / 6) % 6)},${scale(index % 6)})`;
}

function applySgr(style: Style, codes: number[]): Style {
  const next = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code === 0) Object.assign(next, { fg: undefined, bg: undefined, bold: false, dim: false, inverse: false });
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 22) Object.assign(next, { bold: false, dim: false });
    else if (code === 7) next.inverse = true;
    else if (code === 27) next.inverse = false;
    else if (code >= 30 && code <= 37) next.fg = palette[code - 30];
    else if (code >= 90 && code <= 97) next.fg = bright[code - 90];
    else if (code === 39) next.fg = undefined;
    else if (code >= 40 && code <= 47) next.bg = palette[code - 40];
    else if (code >= 100 && code <= 107) next.bg = bright[code - 100];
    else if (code === 49) next.bg = undefined;
    else if ((code === 38 || code === 48) && codes[i + 1] === 5) {
      const value = color256(codes[i + 2] ?? 0);
      if (code === 38) next.fg = value;
      else next.bg = value;
      i += 2;
    } else if ((code === 38 || code === 48) && codes[i + 1] === 2) {
      const value = `rgb(${codes[i + 2] ?? 0},${codes[i + 3] ?? 0},${codes[i + 4] ?? 0})`;
      if (code === 38) next.fg = value;
      else next.bg = value;
      i += 4;
    }
  }
  return next;
}

interface Run {
  text: string;
  style: Style;
}

function parseLine(line: string, start: Style): { runs: Run[]; end: Style } {
  const runs: Run[] = [];
  let style = start;
  // eslint-disable-next-line no-control-regex
  const pattern = /\u001B\[([0-9;]*)m|\u001B\][^\u0007]*\u0007|\u001B\[[0-9;?]*[A-Za-z]/g;
  let last = 0;
  for (const match of line.matchAll(pattern)) {
    if (match.index > last) runs.push({ text: line.slice(last, match.index), style });
    if (match[0].endsWith('m') && match[1] !== undefined) style = applySgr(style, match[1] === '' ? [0] : match[1].split(';').map(Number));
    last = match.index + match[0].length;
  }
  if (last < line.length) runs.push({ text: line.slice(last), style });
  return { runs, end: style };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface SvgOptions {
  columns: number;
  rows: number;
  title?: string;
}

export function ansiToSvg(ansi: string, options: SvgOptions): string {
  const charWidth = 8.4;
  const lineHeight = 18;
  const padding = 12;
  const titleBar = 28;
  const width = Math.ceil(options.columns * charWidth + padding * 2);
  const height = options.rows * lineHeight + padding * 2 + titleBar;
  const lines = ansi.replace(/\r/g, '').split('\n').slice(0, options.rows);
  let style: Style = { fg: undefined, bg: undefined, bold: false, dim: false, inverse: false };
  const rows: string[] = [];
  const backgrounds: string[] = [];
  lines.forEach((line, row) => {
    const parsed = parseLine(line, style);
    style = parsed.end;
    const y = titleBar + padding + row * lineHeight;
    let column = 0;
    const spans = parsed.runs.map((run) => {
      const fg = run.style.inverse ? (run.style.bg ?? defaultBg) : (run.style.fg ?? defaultFg);
      const bg = run.style.inverse ? (run.style.fg ?? defaultFg) : run.style.bg;
      const length = [...run.text].length;
      if (bg) backgrounds.push(`<rect x="${(padding + column * charWidth).toFixed(1)}" y="${y}" width="${(length * charWidth).toFixed(1)}" height="${lineHeight}" fill="${bg}"/>`);
      column += length;
      const attributes = [`fill="${fg}"`, run.style.bold ? 'font-weight="bold"' : '', run.style.dim ? 'opacity="0.6"' : ''].filter(Boolean).join(' ');
      return `<tspan ${attributes}>${escapeXml(run.text)}</tspan>`;
    });
    rows.push(`<text x="${padding}" y="${y + 13}" xml:space="preserve">${spans.join('')}</text>`);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace" font-size="14">`,
    `<rect width="${width}" height="${height}" rx="8" fill="${defaultBg}"/>`,
    `<circle cx="18" cy="14" r="5" fill="#ff5f56"/><circle cx="34" cy="14" r="5" fill="#ffbd2e"/><circle cx="50" cy="14" r="5" fill="#27c93f"/>`,
    options.title ? `<text x="${width / 2}" y="18" fill="#999" font-size="12" text-anchor="middle">${escapeXml(options.title)}</text>` : '',
    ...backgrounds,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
