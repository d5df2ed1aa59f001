import { connect } from 'node:net';

/** What came back for a raw request: the status of the first response line (0 when none), and all the text. */
export interface RawAnswer {
  readonly status: number;
  readonly text: string;
}

/**
 * Writes bytes as they are to a TCP port, for requests no HTTP client would send (`GET //[ HTTP/1.1`), and resolves
 * with everything the server sent once it closes the connection. Requests should say `Connection: close`.
 */
export function rawHttp(port: number, bytes: string | Buffer, host = '127.0.0.1', timeoutMs = 30_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, host, () => socket.write(bytes));
    const timer = setTimeout(() => socket.destroy(new Error(`no close from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // A server that answers and then resets is still an answer.
      if (chunks.length > 0 && error.code === 'ECONNRESET') resolve(answerOf(chunks));
      else reject(error);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(answerOf(chunks));
    });
  });
}

function answerOf(chunks: Buffer[]): RawAnswer {
  const text = Buffer.concat(chunks).toString('latin1');
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), text };
}
