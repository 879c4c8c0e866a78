// What `dex comment github` reads besides the API: the comment's body (a file named by --file, or
// standard input) and, in GitHub Actions, the event that started the workflow (GITHUB_EVENT_PATH),
// for the pull request's number. Bounded reads: a body over four bytes a character of GitHub's
// limit cannot fit, and is not read at all.
import { readBytes, readStreamUpTo } from './files.js';

export interface BodyStream extends AsyncIterable<Uint8Array | string> {
  readonly isTTY?: boolean;
}

export type BodyRead =
  | { readonly ok: true; readonly text: string }
  /** More bytes than `maxBytes`: too long whatever its characters. */
  | { readonly ok: false; readonly tooLarge: true; readonly bytes: number }
  | { readonly ok: false; readonly tooLarge?: undefined; readonly reason: string };

function decode(bytes: Uint8Array, from: string): BodyRead {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, reason: `${from} is not UTF-8 text` };
  }
  if (text.trim() === '') return { ok: false, reason: `${from} is empty` };
  return { ok: true, text };
}

export async function readBodyFile(path: string, shown: string, maxBytes: number): Promise<BodyRead> {
  const read = await readBytes(path, maxBytes);
  if (read.ok) return decode(read.bytes, shown);
  if (read.code === 'TOO_LARGE') return { ok: false, tooLarge: true, bytes: 'size' in read ? read.size : maxBytes + 1 };
  const why = read.code === 'ENOENT' ? 'no such file' : read.code === 'EISDIR' ? 'it is a directory' : read.code === 'EACCES' ? 'permission denied' : read.code === 'NOT_A_FILE' ? 'not a regular file (pipe it to standard input instead)' : read.message;
  return { ok: false, reason: `cannot read ${shown}: ${why}` };
}

export async function readBodyStream(stream: BodyStream | undefined, maxBytes: number): Promise<BodyRead> {
  if (!stream) return { ok: false, reason: 'no standard input to read the comment from' };
  // Nobody types a pull-request comment at a prompt: a terminal means the body was forgotten.
  if (stream.isTTY) return { ok: false, reason: 'standard input is a terminal: pass --file, or pipe the comment in' };
  const read = await readStreamUpTo(stream, maxBytes);
  return read.over ? { ok: false, tooLarge: true, bytes: read.bytes.length } : decode(read.bytes, 'standard input');
}

/** The event payload of a GitHub Actions run is a few kilobytes; a pull request's body is in it. */
const MAX_EVENT_BYTES = 25 * 1024 * 1024;

export type EventNumber = { readonly ok: true; readonly number: number | undefined } | { readonly ok: false; readonly reason: string };

/**
 * The pull request's number from the workflow's event: `pull_request.number` (pull_request and
 * pull_request_target events), or `issue.number` of a comment on a pull request (issue_comment).
 * undefined when the event is about no pull request (a push).
 */
export async function pullRequestFromEvent(path: string): Promise<EventNumber> {
  const read = await readBytes(path, MAX_EVENT_BYTES);
  if (!read.ok) return { ok: false, reason: `cannot read GITHUB_EVENT_PATH ${path}: ${read.message}` };
  let event: { pull_request?: { number?: unknown }; issue?: { number?: unknown; pull_request?: unknown } };
  try {
    event = JSON.parse(new TextDecoder().decode(read.bytes)) as typeof event;
  } catch {
    return { ok: false, reason: `GITHUB_EVENT_PATH ${path} is not JSON` };
  }
  const n = event?.pull_request?.number ?? (event?.issue?.pull_request ? event.issue.number : undefined);
  return { ok: true, number: Number.isInteger(n) && (n as number) > 0 ? (n as number) : undefined };
}
