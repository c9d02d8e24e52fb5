/**
 * Just enough of the Chrome DevTools Protocol to drive the system Chromium
 * from a test — open a page, run a line of script in it (fill a field, press a
 * button), wait for the next page load, take a screenshot — over Node's own
 * WebSocket, so no browser driver package (and no browser download) is needed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface BrowserPage {
  /** Navigates and waits for the load event. */
  open(url: string): Promise<void>;
  /** Evaluates an expression in the page and returns its (JSON) value. */
  evaluate<T>(expression: string): Promise<T>;
  /** Runs `action` (e.g. a click that submits a form) and waits for the page it leads to. */
  andWaitForLoad(action: () => Promise<unknown>): Promise<void>;
  screenshot(): Promise<Buffer>;
  close(): Promise<void>;
}

export async function launchPage(browser: string, flags: readonly string[], profile: string): Promise<BrowserPage> {
  const child = spawn(browser, [...flags, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'], {
    stdio: 'ignore',
  });
  try {
    const port = await devToolsPort(profile, child);
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
      type: string;
      webSocketDebuggerUrl: string;
    }[];
    const target = targets.find((t) => t.type === 'page');
    if (!target) throw new Error('Chromium opened no page');
    const session = await connect(target.webSocketDebuggerUrl);
    await session.send('Page.enable');
    const andWaitForLoad = async (action: () => Promise<unknown>) => {
      const loaded = session.next('Page.loadEventFired');
      await action();
      await loaded;
    };
    return {
      open: (url) => andWaitForLoad(() => session.send('Page.navigate', { url })),
      async evaluate<T>(expression: string) {
        const result = (await session.send('Runtime.evaluate', { expression, returnByValue: true })) as {
          result: { value: T };
          exceptionDetails?: { text: string };
        };
        if (result.exceptionDetails) throw new Error(`in the page: ${result.exceptionDetails.text}`);
        return result.result.value;
      },
      andWaitForLoad,
      async screenshot() {
        const { data } = (await session.send('Page.captureScreenshot', { format: 'png' })) as { data: string };
        return Buffer.from(data, 'base64');
      },
      async close() {
        session.close();
        await stop(child);
      },
    };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

/** Chromium writes the port it chose into <profile>/DevToolsActivePort. */
async function devToolsPort(profile: string, child: ChildProcess): Promise<number> {
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`Chromium exited with code ${child.exitCode}`);
    const text = await readFile(join(profile, 'DevToolsActivePort'), 'utf8').catch(() => '');
    const port = Number.parseInt(text.split('\n')[0] ?? '', 10);
    if (port > 0) return port;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('Chromium did not open its DevTools port within 30 s');
}

interface Session {
  send(method: string, params?: Record<string, unknown>): Promise<unknown>;
  next(event: string): Promise<unknown>;
  close(): void;
}

async function connect(url: string): Promise<Session> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(`cannot connect to ${url}`)), { once: true });
  });
  let id = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const waiting = new Map<string, ((params: unknown) => void)[]>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
      method?: string;
      params?: unknown;
    };
    if (message.id !== undefined) {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) call?.reject(new Error(message.error.message));
      else call?.resolve(message.result);
    } else if (message.method) {
      const listeners = waiting.get(message.method) ?? [];
      waiting.delete(message.method);
      for (const listener of listeners) listener(message.params);
    }
  });
  return {
    send(method, params = {}) {
      id += 1;
      const callId = id;
      return new Promise((resolve, reject) => {
        pending.set(callId, { resolve, reject });
        socket.send(JSON.stringify({ id: callId, method, params }));
      });
    },
    next(event) {
      return new Promise((resolve) => waiting.set(event, [...(waiting.get(event) ?? []), resolve]));
    },
    close: () => socket.close(),
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
