/**
 * Larger files are refused unread: a briefing is a summary, and parsing a 30 MB scalar took
 * seconds and ~900 MB here. Change it here if real briefings ever need more.
 */
export const MAX_FILE_BYTES = 1024 * 1024;

export const tooLarge = (size: number): string =>
  `too large to load: ${size.toLocaleString('en-US')} bytes, the limit is ${MAX_FILE_BYTES.toLocaleString('en-US')} bytes (${MAX_FILE_BYTES / 1024 / 1024} MB); a briefing holds a summary, not the article`;
