import { restartCommand } from '../daemon/gateway-address.js';
import { findRunningGateway } from '../daemon/running-gateway.js';
import { ConfigStore } from '../store/config.js';
import { statePaths } from '../store/state-dir.js';
import { paint, printLine } from '../terminal/output.js';

/** After a config change: a running gateway read its config at start and needs a restart to see it. */
export async function noticeIfGatewayRunning(stateDir: string): Promise<void> {
  const running = await findRunningGateway(statePaths(stateDir).pidFile);
  if (running) {
    const command = restartCommand(running.record, new ConfigStore(stateDir).read().gateway);
    printLine(paint('yellow', `The running gateway (pid ${running.record.pid}) still uses the old settings: restart it with \`${command}\`.`));
  }
}
