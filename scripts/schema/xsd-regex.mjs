// @ts-check
// XML Schema regular expressions (as used in RelaxNG <param name="pattern">)
// converted to JavaScript RegExp sources that compile with the 'u' flag.
//
// Differences handled:
// - XSD patterns are implicitly anchored at both ends: we wrap in ^(?:...)$.
// - '^' and '$' are ordinary characters in XSD: escaped outside classes.
// - \i \I \c \C (XML name-start / name characters) expanded to explicit classes.
// - identity escapes that are legal in XSD but not in JS 'u' mode (e.g. "\-"
//   outside a class) are rewritten to the plain character.
// - character class subtraction ("[a-z-[aeiou]]") is not supported: throws.

const NAME_START =
  'A-Z_a-z:\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const NAME_CHAR = NAME_START + '\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040';

// characters that may be escaped with a backslash in JS 'u' mode
const SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);

/**
 * @param {string} src XSD pattern
 * @returns {string} JS regexp source (use with flag 'u')
 */
export function xsdToJsRegex(src) {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '\\') {
      const nx = src[i + 1];
      if (nx === undefined) {
        throw new Error(`trailing backslash in pattern ${src}`);
      }
      i++;
      if (nx === 'p' || nx === 'P') {
        const close = src.indexOf('}', i);
        if (src[i + 1] !== '{' || close < 0) {
          throw new Error(`bad \\p in ${src}`);
        }
        const name = src.slice(i + 2, close);
        if (name.startsWith('Is')) {
          throw new Error(`XSD block escape \\p{${name}} not supported: ${src}`);
        }
        out += `\\${nx}{${name}}`;
        i = close;
      } else if (nx === 'i' || nx === 'c') {
        const body = nx === 'i' ? NAME_START : NAME_CHAR;
        out += inClass ? body : `[${body}]`;
      } else if (nx === 'I' || nx === 'C') {
        if (inClass) {
          throw new Error(`\\${nx} inside a class is not supported: ${src}`);
        }
        out += `[^${nx === 'I' ? NAME_START : NAME_CHAR}]`;
      } else if ('nrt'.includes(nx)) {
        out += '\\' + nx;
      } else if ('dDsSwW'.includes(nx)) {
        out += '\\' + nx;
      } else if (nx === '-') {
        out += inClass ? '\\-' : '-';
      } else if (SYNTAX.has(nx)) {
        out += '\\' + nx;
      } else {
        throw new Error(`unsupported escape \\${nx} in pattern ${src}`);
      }
      continue;
    }
    if (inClass) {
      if (ch === ']') {
        inClass = false;
      } else if (ch === '[' || (ch === '-' && src[i + 1] === '[')) {
        throw new Error(`character class subtraction is not supported: ${src}`);
      }
      out += ch;
      continue;
    }
    switch (ch) {
      case '[':
        inClass = true;
        out += '[';
        break;
      case '^':
      case '$':
        out += '\\' + ch;
        break;
      default:
        out += ch;
    }
  }
  if (inClass) {
    throw new Error(`unterminated class in ${src}`);
  }
  const js = `^(?:${out})$`;
  new RegExp(js, 'u'); // throws if we produced something invalid
  return js;
}
