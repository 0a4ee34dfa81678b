/**
 * LSP snippet syntax in tests: what a completion inserts once every placeholder keeps its default.
 */

/** The text an LSP snippet inserts with every placeholder at its default (first choice). */
export function expandSnippet(s: string): string {
  let out = '';
  let i = 0;
  const readUntil = (stop: string): string => {
    let r = '';
    while (i < s.length && s[i] !== stop) {
      if (s[i] === '\\' && i + 1 < s.length) {
        r += s[i + 1];
        i += 2;
        continue;
      }
      if (s[i] === '$') {
        r += placeholder();
        continue;
      }
      r += s[i++];
    }
    i++;
    return r;
  };
  const placeholder = (): string => {
    i++; // $
    if (s[i] !== '{') {
      while (/[0-9]/.test(s[i] ?? '')) {
        i++;
      }
      return '';
    }
    i++;
    while (/[0-9]/.test(s[i] ?? '')) {
      i++;
    }
    if (s[i] === '}') {
      i++;
      return '';
    }
    if (s[i] === ':') {
      i++;
      return readUntil('}');
    }
    // choice: ${n|a,b|}
    i++;
    let first = '';
    let done = false;
    while (i < s.length && !(s[i] === '|' && s[i + 1] === '}')) {
      if (s[i] === '\\') {
        if (!done) {
          first += s[i + 1];
        }
        i += 2;
        continue;
      }
      if (s[i] === ',') {
        done = true;
      } else if (!done) {
        first += s[i];
      }
      i++;
    }
    i += 2;
    return first;
  };
  while (i < s.length) {
    if (s[i] === '\\' && i + 1 < s.length) {
      out += s[i + 1];
      i += 2;
    } else if (s[i] === '$') {
      out += placeholder();
    } else {
      out += s[i++];
    }
  }
  return out;
}
