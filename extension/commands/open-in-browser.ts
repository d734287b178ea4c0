// Open in Browser: a published port of the container (a pick when there are several).
import * as vscode from 'vscode';
import { browserUrl, publishedPorts } from '../run/published-ports.js';
import { targets, type EngineCtx, type Handler } from './command-context.js';

export const openInBrowser = (e: EngineCtx): Handler => async (...args) => {
  const [c] = await targets(e, 'container', args, {
    placeHolder: 'Container to open in the browser',
    filter: (r) => r.state === 'running' && publishedPorts(r.ports).length > 0,
  });
  if (!c) return;
  const ports = publishedPorts(c.ports);
  if (!ports.length) {
    void vscode.window.showInformationMessage(`${c.name} publishes no port. Run the image again with "Berth: Run" to publish its exposed ports.`);
    return;
  }
  let port = ports[0];
  if (ports.length > 1) {
    const picked = await vscode.window.showQuickPick(
      ports.map((p) => ({ label: browserUrl(p), description: `container port ${p.privatePort}/${p.type}`, port: p })),
      { placeHolder: `Which port of ${c.name}?` },
    );
    if (!picked) return;
    port = picked.port;
  }
  // Through code-server or a remote window, asExternalUri forwards the port.
  const external = await vscode.env.asExternalUri(vscode.Uri.parse(browserUrl(port)));
  await vscode.env.openExternal(external);
};
