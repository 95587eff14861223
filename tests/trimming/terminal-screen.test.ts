import { describe, expect, it } from 'vitest';
import { needsRendering, TerminalRender } from '../../source/trimming/terminal-screen.js';

const esc = '\u001b';
const render = (text: string): string => new TerminalRender(text).result();

describe('the terminal renderer: what a terminal shows once the program finished', () => {
  it('leaves text without screen controls alone, CRLF line endings included', () => {
    for (const text of ['plain\n', 'a\r\nb\r\n', 'tab\there\n\n\n', '']) expect(needsRendering(text)).toBe(false);
    expect(needsRendering('50%\r100%')).toBe(true);
    expect(needsRendering(`${esc}[32mok${esc}[0m`)).toBe(true);
  });

  it('applies \\r: a later frame overwrites an earlier one; one that leaves a tail of another frame (two texts mixed on one row) keeps the text as it came', () => {
    expect(render('  0%\r 50%\r100%\ndone\n')).toBe('100%\ndone\n');
    expect(render('downloading 10 MB\rok\n')).toBe('downloading 10 MB\rok\n');
    expect(render('fetching 100% 10/10\rsaved 42 rows\nexit 0\n')).toBe('fetching 100% 10/10\rsaved 42 rows\nexit 0\n');
    // Covered by spaces (apt), erased, or left as it was (a \r before nothing): one frame's text.
    expect(render('downloading 10 MB\r                 \rok\n')).toBe('ok               \n');
    expect(render('downloading 10 MB\r\u001b[Kok\n')).toBe('ok\n');
    expect(render('downloading 10 MB\rok\u001b[K\n')).toBe('ok\n');
    expect(render('downloading\rfinished 10 MB\r\r\n')).toBe('finished 10 MB\r\n');
  });

  it('applies erase sequences instead of dropping them: an erased "Tests: 3 failed" is gone, its replacement stays', () => {
    expect(render('Tests: 3 failed\r\u001b[KTests: all 12 passed\n')).toBe('Tests: all 12 passed\n');
    expect(render(`Tests: 3 failed\n${esc}[1A${esc}[2K\rTests: all 12 passed\n`)).toBe('Tests: all 12 passed\n');
    expect(render(`a\nb\nc\n${esc}[2A${esc}[J`)).toBe('a\n\n');
  });

  it('moves the cursor: up, down, to a column, back and forward, save and restore', () => {
    expect(render(`one\ntwo\n${esc}[2Aina\n`)).toBe('ina\ntwo\n');
    expect(render(`abcdef${esc}[3Gx\n`)).toBe('abxdef\n');
    expect(render(`abc${esc}[2Dx${esc}[2Cy\n`)).toBe('axc y\n');
    expect(render(`${esc}7hello${esc}8J\n`)).toBe('Jello\n');
  });

  it('keeps every visible line byte for byte, identical lines included, and rows written once keep their colour bytes', () => {
    const rows = `${esc}[32mPASS${esc}[39m a.test.ts\r\n${esc}[32mPASS${esc}[39m a.test.ts\r\n\r\n\r\n`;
    expect(render(`first\r\n${rows}`)).toBe(`first\r\n${rows}`);
    // The row the spinner was drawn on is redrawn: same text and colour, re-encoded.
    expect(render(`⠋\r${esc}[K${rows}`)).toBe(`${esc}[32mPASS${esc}[0m a.test.ts\r\n${rows.slice(rows.indexOf('\n') + 1)}`);
  });

  it('drops spinner frames drawn in place (npm)', () => {
    const npm = `⠙${esc}[1G${esc}[0K⠹${esc}[1G${esc}[0K⠸${esc}[1G${esc}[0K\r\nadded 179 packages in 10s\r\n⠧${esc}[1G${esc}[0K`;
    expect(render(npm)).toBe('\r\nadded 179 packages in 10s\r\n');
  });

  it('re-encodes the colour of a redrawn row', () => {
    expect(render(`${esc}[31mred${esc}[0m\rb${esc}[31med!${esc}[0m\n`)).toBe(`b${esc}[31med!${esc}[0m\n`);
  });

  it('keeps a text whose SGR it could not write again (curly underline, framed text, fonts) as it came', () => {
    for (const text of [`\r 50% ${esc}[4:3mword${esc}[4:0m\r100% ${esc}[4:3mword${esc}[4:0m\n`, `\r 1% ${esc}[51mx${esc}[54m\r99% ${esc}[51mx${esc}[54m\n`, `a\r${esc}[11mb${esc}[10m\n`]) expect(render(text)).toBe(text);
  });

  it('treats wide characters as two columns', () => {
    expect(render('ab\r日\n')).toBe('日\n');
    expect(render('日本\rX 本\n')).toBe('X 本\n');
    expect(render('日本\rX\n')).toBe('日本\rX\n');
  });

  it('forwards what it cannot model unchanged: absolute positioning, scroll regions, the alternate screen, hyperlinks, tabs in a redrawn row', () => {
    for (const text of [`a\n${esc}[1;1Hb`, `${esc}[1;5r`, `${esc}[?1049hvim${esc}[?1049l`, `${esc}]8;;https://x.io${esc}\\link${esc}]8;;${esc}\\`, 'a\tb\rc', `unterminated ${esc}]0;title`]) {
      expect(render(text)).toBe(text);
    }
  });

  it('drops invisible sequences: an empty title, cursor visibility, bells; a title with text (shown in the title bar) keeps the text as it came', () => {
    expect(render(`${esc}]0;${'\u0007'}${esc}[?25lok${esc}[?25h\u0007\n`)).toBe('ok\n');
    const titled = `${esc}]0;build${'\u0007'}${esc}[?25lok${esc}[?25h\u0007\n`;
    expect(render(titled)).toBe(titled);
  });

  it('forwards what shows something it does not model unchanged: the DEC line-drawing set, insert mode, inline images, notifications', () => {
    for (const text of [
      `${esc}(0lqqk${esc}(B\n`,
      `${esc})0ok\n`,
      `$ git comit${esc}[3D${esc}[4hm${esc}[4l\n`,
      `$ ls${esc}[2;4h\n`,
      `plot${esc}]1337;File=inline=1:iVBORw0KGgo=${'\u0007'}\n`,
      `chart${esc}_Gf=100,a=T;iVBORw0KGgo=${esc}\\\n`,
      `matrix${esc}Pq#0;2;0;0;0#0~~${esc}\\\n`,
      `tests${esc}]9;Build failed${'\u0007'}\n`,
      `deploy${esc}]777;notify;deploy;blocked${'\u0007'}\n`,
      `colours${esc}]4;1;rgb:ff/00/00${'\u0007'}\n`,
    ]) {
      expect(render(text), JSON.stringify(text)).toBe(text);
    }
  });

  it('drops what shows nothing: the ASCII set chosen again (tput sgr0), insert mode switched off, the working directory, shell-integration marks, a taskbar progress state', () => {
    expect(render(`${esc}[1mok${esc}(B${esc}[m\n`)).toBe(`${esc}[1mok${esc}[0m\n`);
    expect(render(`${esc}[4lok\n`)).toBe('ok\n');
    expect(render(`${esc}]7;file://host/repo${'\u0007'}${esc}]133;A${'\u0007'}$ ${esc}]633;B${'\u0007'}ok${esc}]9;4;1;50${'\u0007'}\n`)).toBe('$ ok\n');
  });

  it('keeps a cleared screen as history', () => {
    expect(render(`first screen\n${esc}[2Jsecond\n`)).toBe('first screen\nsecond\n');
    expect(render(`first screen${esc}[2Jsecond\n`)).toBe('first screen\nsecond\n');
  });

  it('renders in steps with the same result', () => {
    const text = `${'⠋ working\r'.repeat(2000)}${esc}[Kfinished\n`.repeat(3);
    const stepwise = new TerminalRender(text);
    while (!stepwise.done) stepwise.step(100);
    expect(stepwise.result()).toBe(render(text));
    expect(render(text)).toBe('finished\n'.repeat(3));
  });
});
