/** How a line of a unified diff is shown: the CLI paints it, the wizard colours it the same way. */
export type DiffLineKind = 'added' | 'removed' | 'hunk' | 'header' | 'context';

export function diffLineKind(line: string): DiffLineKind {
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('====') || line.startsWith('Index:')) return 'header';
  if (line.startsWith('+')) return 'added';
  if (line.startsWith('-')) return 'removed';
  if (line.startsWith('@@')) return 'hunk';
  return 'context';
}

export function diffLines(diff: string): string[] {
  return diff === '' ? [] : diff.replace(/\n$/, '').split('\n');
}
