// Where `dex secrets set` reads a value: standard input (a pipe or a redirected file) or a file
// named by --from-file; never the command line, which `ps` and the shell history show. At most
// Secrets Manager's limit is read, as UTF-8 text (a SecretString); one trailing line break (what
// echo and editors add) is removed.
import { readBytes, readStreamUpTo } from './files.js';

/** Secrets Manager's limit on a SecretString. */
export const MAX_SECRET_BYTES = 65_536;

export interface SecretInputStream extends AsyncIterable<Uint8Array | string> {
  readonly isTTY?: boolean;
}

export type SecretValueRead = { ok: true; value: string } | { ok: false; reason: string; hint: string };

const EMPTY_HINT = 'pipe the value in (e.g. `pass show kyc | dex secrets set …`) or pass --from-file PATH';

function decode(bytes: Uint8Array, from: string): SecretValueRead {
  if (bytes.length > MAX_SECRET_BYTES) return { ok: false, reason: `${from} holds more than ${MAX_SECRET_BYTES} bytes, Secrets Manager's limit for a secret`, hint: 'store a reference (an S3 object, a parameter) instead of the data itself' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, reason: `${from} is not UTF-8 text`, hint: 'dex sets the secret as a string: base64-encode binary data first' };
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '' || /^[\r\n]*$/.test(value)) return { ok: false, reason: `${from} is empty: a secret needs a value`, hint: EMPTY_HINT };
  return { ok: true, value };
}

export async function readSecretFromStream(stream: SecretInputStream | undefined): Promise<SecretValueRead> {
  if (!stream) return { ok: false, reason: 'no standard input to read the value from', hint: EMPTY_HINT };
  // A prompt would echo or need a terminal mode; dex only reads what is piped or redirected.
  if (stream.isTTY) return { ok: false, reason: 'standard input is a terminal: dex reads the value from a pipe or a file, never from a prompt or the command line', hint: EMPTY_HINT };
  return decode((await readStreamUpTo(stream, MAX_SECRET_BYTES)).bytes, 'standard input');
}

export async function readSecretFromFile(path: string, shown: string): Promise<SecretValueRead> {
  const read = await readBytes(path, MAX_SECRET_BYTES);
  if (read.ok) return decode(read.bytes, shown);
  if (read.code === 'TOO_LARGE') return decode(new Uint8Array(MAX_SECRET_BYTES + 1), shown);
  const reason = read.code === 'ENOENT' ? 'no such file' : read.code === 'EISDIR' ? 'it is a directory' : read.code === 'EACCES' ? 'permission denied' : read.code === 'NOT_A_FILE' ? 'not a regular file (pipe the value to standard input instead)' : read.message;
  return { ok: false, reason: `cannot read ${shown}: ${reason}`, hint: 'pass the path of a file holding the value, or pipe the value to standard input' };
}
