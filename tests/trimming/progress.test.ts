import { describe, expect, it } from 'vitest';
import { cleanTerminalText } from '../../source/trimming/clean-output.js';
import { progressKey } from '../../source/trimming/progress.js';
import type { RuleCounts } from '../../source/trimming/rules.js';

const clean = (text: string): { text: string; counts: RuleCounts } => {
  const counts: RuleCounts = {};
  return { text: cleanTerminalText(text, counts), counts };
};

describe('progress bars and spinners (rule 4)', () => {
  it('keeps only the final state of a \\r-overwritten line', () => {
    const { text, counts } = clean('Downloading\r[==>       ] 20%\r[=====>    ] 50%\r[==========] 100%\ndone\n');
    expect(text).toBe('[==========] 100%\ndone\n');
    expect(counts.progress).toBe(1);
  });

  it('keeps the final state when the line is cleared with spaces before the next frame', () => {
    expect(clean('⠋ installing\r            \rinstalled 12 packages\n').text).toBe('installed 12 packages\n');
  });

  it('handles \\r\\n line endings as line endings, not as overwrites', () => {
    const { text, counts } = clean('line one\r\nline two\r\n');
    expect(text).toBe('line one\r\nline two\r\n');
    expect(counts).toEqual({});
  });

  it('keeps only the last of consecutive progress-bar lines', () => {
    const input = ['Downloading Chromium', '|■■■■        |  10% of 164.7 MiB', '|■■■■■■■■    |  60% of 164.7 MiB', '|■■■■■■■■■■■■| 100% of 164.7 MiB', 'Chromium downloaded'].join('\n');
    const { text, counts } = clean(input);
    expect(text).toBe('Downloading Chromium\n|■■■■■■■■■■■■| 100% of 164.7 MiB\nChromium downloaded');
    expect(counts.progress).toBe(2);
  });

  it('recognises the usual bar shapes: npm/docker brackets, tqdm, pip', () => {
    expect(progressKey('[=====>    ] 45%')).toBeDefined();
    expect(progressKey(' 45%|████▌     | 45/100 [00:01<00:02, 30.00it/s]')).toBeDefined();
    expect(progressKey('   ━━━━━━━━━━━━━━━━╸━━━━━━━━ 1.2/3.4 MB 3.4 MB/s eta 0:00:01')).toBeDefined();
    expect(progressKey('a3ed95caeb02: Downloading [=====>    ]  1.2MB/3.4MB')).toBeDefined();
    expect(progressKey('45%')).toBeDefined();
    expect(progressKey('  45% (45/100) eta 0:03')).toBeDefined();
  });

  it('drops repeated tqdm frames printed on separate lines but keeps the final one', () => {
    const frames = [10, 45, 100].map((p) => ` ${p}%|${'█'.repeat(p / 10)}${' '.repeat(10 - p / 10)}| ${p}/100 [00:0${p / 50}<00:02, 30.00it/s]`);
    expect(clean(frames.join('\n')).text).toBe(frames[2]);
  });

  it('keeps spinner runs down to their last frame and drops frame-only lines', () => {
    const { text, counts } = clean('⠋ Resolving packages\n⠙ Resolving packages\n⠹ Resolving packages\n⠸\nResolved 12 packages');
    expect(text).toBe('⠹ Resolving packages\nResolved 12 packages');
    expect(counts.progress).toBe(3);
  });

  it('keeps a single progress line: it is the final state', () => {
    expect(clean('[==========] 100%\nbuilt in 3s').text).toBe('[==========] 100%\nbuilt in 3s');
  });

  it('keeps consecutive progress lines of different things (different labels)', () => {
    const input = 'layer a3ed: Downloading [=====>    ] 1.2MB/3.4MB\nlayer 91fe: Downloading [==>       ] 0.4MB/9.1MB';
    expect(clean(input).text).toBe(input);
  });

  it('does not mistake prose percentages, checkboxes, Markdown tables or ellipses for progress', () => {
    for (const text of ['Coverage: 45%', 'Coverage is 45% now.', '- [x] done', '- [ ] todo', '| --- | --- |', '[...]', 'Statements   : 91.2% ( 456/500 )']) {
      expect(progressKey(text), text).toBeUndefined();
    }
    const report = 'Statements : 91.2%\nStatements : 91.2%\nBranches   : 80.1%\nFunctions  : 95.0%';
    expect(clean(report).text).toBe(report);
  });
});
