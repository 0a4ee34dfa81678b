/**
 * Bytes -> text for files the CLI reads: BOMs (UTF-8, UTF-16), binary detection, and a clear
 * reason when a file cannot be used.
 */
type Decoded = { text: string; note?: string } | { skip: string };

export function decodeBytes(bytes: Uint8Array): Decoded {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)) };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)) };
  }
  const body = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const probe = body.subarray(0, 8192);
  if (probe.includes(0)) {
    return { skip: 'binary file (contains NUL bytes)' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    return {
      text: new TextDecoder('utf-8').decode(body),
      note: 'not valid UTF-8; undecodable bytes are shown as U+FFFD (libvirt expects UTF-8)',
    };
  }
}
