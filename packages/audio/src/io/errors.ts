/**
 * The one error type the readers throw. Every malformed or unreadable input ends here, with a code a
 * program can switch on and a message a person can act on (it always names the file).
 */
export type AudioReadErrorCode =
  | "FILE_NOT_FOUND"
  | "READ_FAILED"
  | "EMPTY_FILE"
  | "NOT_AUDIO"
  | "TRUNCATED"
  | "BAD_FMT"
  | "ZERO_CHANNELS"
  | "UNSUPPORTED_BIT_DEPTH"
  | "UNSUPPORTED_CODEC"
  | "ABSURD_CHUNK_SIZE"
  | "NO_DATA_CHUNK"
  | "BAD_LAYOUT"
  | "FFMPEG_MISSING"
  | "DECODE_FAILED";

export class AudioReadError extends Error {
  readonly code: AudioReadErrorCode;
  readonly file: string;

  constructor(code: AudioReadErrorCode, file: string, problem: string, options?: { cause?: unknown }) {
    super(`${file}: ${problem}`, options);
    this.name = "AudioReadError";
    this.code = code;
    this.file = file;
  }
}

export function isAudioReadError(error: unknown): error is AudioReadError {
  return error instanceof AudioReadError;
}
