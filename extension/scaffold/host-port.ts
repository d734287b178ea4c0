// The host port compose.yaml and the debug configuration publish the app on: the app's own port when
// it is free on this machine, else a free one, with a sentence saying so.
import { LOOPBACK, type PortChecker } from '../run/port-plan.js';

export interface HostPortChoice {
  hostPort: number;
  /** Set when the wanted port was taken or privileged and another was picked. */
  note?: string;
}

export async function chooseHostPort(port: number, checker: PortChecker): Promise<HostPortChoice> {
  if (port >= 1024 && (await checker.isFree(port, LOOPBACK))) return { hostPort: port };
  const hostPort = await checker.anyFree(LOOPBACK);
  const why = port < 1024 ? `needs privileges on the host` : `is already taken on this machine`;
  return { hostPort, note: `Port ${port} ${why}, so compose.yaml and the debug configuration publish the app on ${hostPort} instead.` };
}
