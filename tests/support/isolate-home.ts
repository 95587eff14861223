import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// No test may read or write the developer's real ~/.isartor. Tests that need their own
// state dir create one with makeTempHome(); this is the safety net for everything else.
process.env.ISARTOR_HOME = mkdtempSync(join(tmpdir(), 'isartor-test-home-'));
delete process.env.ISARTOR_GATEWAY_API_KEY;
