// @xml-tools/parser ships its lexer as lib/lexer.js without type declarations. We use the lexer
// directly (not the CST parser): building our own tree from its tokens is 2-3x faster than the
// CST and lets us match close tags by name, which the CST parser's recovery does not do.
declare module '@xml-tools/parser/lib/lexer' {
  export interface XmlToken {
    image: string;
    startOffset: number;
    tokenType: { name: string };
  }
  export interface XmlLexError {
    offset: number;
    length: number;
    message: string;
  }
  export interface XmlLexer {
    tokenize(text: string): { tokens: XmlToken[]; errors: XmlLexError[] };
  }
  export const xmlLexer: XmlLexer & {
    constructor: new (definition: unknown, config: Record<string, unknown>) => XmlLexer;
  };
  export const tokensDictionary: Record<string, unknown>;
}
