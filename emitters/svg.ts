// What dex's SVG pictures share (the system graph, the report's cost chart): text that fits a
// width without a browser to measure it, and elements whose every value goes through xmlText.
import { xmlText } from '../compiler/model/quote.js';

/** A generic stack: whatever sans-serif face the viewer has (DejaVu Sans on Debian). */
export const FONT_FAMILY = 'sans-serif';

/**
 * An estimate of a text's width in pixels, generous (DejaVu Sans, wider than most faces, per
 * character class), so a text the estimate says fits does fit. Pure: nothing is measured.
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const c of text) {
    if (/[ijlI.,:;'|!\s]/.test(c)) em += 0.32;
    else if (/[ftr()[\]/-]/.test(c)) em += 0.42;
    else if (/[mwMW@%]/.test(c)) em += 0.92;
    else if (/[A-Z]/.test(c)) em += 0.72;
    else if (/[0-9$]/.test(c)) em += 0.64;
    else if (c.codePointAt(0)! > 0x2e7f) em += 1; // CJK and emoji: a full em
    else em += 0.6;
  }
  return em * fontSize * (bold ? 1.1 : 1);
}

/** `text` cut with '…' so it fits `width` at `fontSize` (by textWidth's estimate). */
export function fitText(text: string, width: number, fontSize: number, bold = false): string {
  if (textWidth(text, fontSize, bold) <= width) return text;
  const chars = [...text];
  while (chars.length > 0 && textWidth(`${chars.join('')}…`, fontSize, bold) > width) chars.pop();
  return `${chars.join('')}…`;
}

/** A number as SVG writes it: at most one decimal, no trailing zeros, so output is stable. */
export const px = (n: number): string => String(Math.round(n * 10) / 10);

export type Attributes = Readonly<Record<string, string | number | undefined>>;

/** ` name="value"` for each attribute set, values through xmlText; numbers are coordinates (px). */
export function attributes(attrs: Attributes): string {
  return Object.entries(attrs)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${xmlText(typeof v === 'number' ? px(v) : v)}"`)
    .join('');
}

/** An element with text content (escaped) or none. */
export function element(name: string, attrs: Attributes, text?: string): string {
  return text === undefined ? `<${name}${attributes(attrs)}/>` : `<${name}${attributes(attrs)}>${xmlText(text)}</${name}>`;
}
