// One raw Engine API request over a unix socket, the body sent as given (tests send malformed ones).
import { request } from 'node:http';

export interface ApiAnswer { status: number; body: string; message?: string }

export function apiRequest(socketPath: string, method: string, path: string, body?: string): Promise<ApiAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
    const req = request({ socketPath, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let message: string | undefined;
        try { message = (JSON.parse(text) as { message?: string }).message; } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, body: text, message });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
