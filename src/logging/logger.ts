/**
 * The logger the lifecycle writes to. Messages and fields carry token ids, user names, durations and error codes;
 * never a token, secret or grant code (the lifecycle tests capture every line at debug level to check it).
 * Any object with these four methods works, e.g. a pino or winston logger.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const noop = (): void => undefined;

/** The default: says nothing. */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });

/** A line of a `recordingLogger` or of anything written through `levelLogger`. */
export interface LogEntry {
  readonly level: Exclude<LogLevel, 'silent'>;
  readonly message: string;
  readonly fields: LogFields;
}

/** A logger that passes entries at or above `level` to `write` (one function for all levels). */
export function levelLogger(level: LogLevel, write: (entry: LogEntry) => void): Logger {
  const rank = LOG_LEVELS.indexOf(level);
  if (rank < 0) throw new TypeError(`Log level must be one of ${LOG_LEVELS.join(', ')}.`);
  const at = (entryLevel: LogEntry['level']) =>
    LOG_LEVELS.indexOf(entryLevel) >= rank
      ? (message: string, fields: LogFields = {}) => write({ level: entryLevel, message, fields })
      : noop;
  return Object.freeze({ debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') });
}

/** Writes one line per entry to stderr: `level message key=value …`. */
export function consoleLogger(level: LogLevel = 'info'): Logger {
  return levelLogger(level, ({ level: entryLevel, message, fields }) => {
    const pairs = Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(' ');
    console.error(`${entryLevel.padEnd(5)} ${message}${pairs ? ` ${pairs}` : ''}`);
  });
}
