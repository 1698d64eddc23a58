/** Structured JSON logs on standard error (standard output belongs to the stdout sink). */
import { pino, type Logger, type Level } from 'pino';

/** Fields that may hold credentials; pino replaces them wherever they appear in a log entry. */
const SECRET_PATHS = ['password', '*.password', '*.*.password', 'sasl', '*.sasl', 'token', '*.token', 'authorization', '*.authorization'];

export function createLogger(level: Level | 'silent' = 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'sinkhub' },
      redact: { paths: SECRET_PATHS, censor: '[secret]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ fd: 2, sync: false }),
  );
}

export type { Logger };
