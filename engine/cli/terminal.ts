import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** Colours only on a terminal that wants them (NO_COLOR, FORCE_COLOR respected). */
export function colour(stream: NodeJS.WriteStream): (style: Style, text: string) => string {
  const enabled = process.env.FORCE_COLOR !== undefined ? process.env.FORCE_COLOR !== '0' : stream.isTTY === true && process.env.NO_COLOR === undefined;
  return (style, text) => (enabled ? styleText(style, text) : text);
}
