/**
 * The signals that cancel a run (both front doors): Ctrl-C, a CI job's cancel, a closed terminal.
 * Each is caught once; a second of the same ends the process the default way.
 */
export const CANCEL_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
