import { z } from 'zod';

/**
 * What `evalens draw --json` prints: every visualizer of an integration, drawn for one sample
 * of a run. The extension runs that command in a child process (user code never runs in the
 * extension host) and validates its stdout with this schema before the panel shows it.
 */

export const imageVisualSchema = z
  .strictObject({
    name: z.string(),
    kind: z.literal('image'),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    /** Base64 of width × height × 4 bytes: RGBA, row by row, whatever the visualizer returned (grey, RGB, floats). */
    rgba: z.string(),
  })
  // Base64 of n bytes is 4 × ceil(n / 3) characters: a cheap check that the pixels fit the size.
  .refine((v) => v.rgba.length === 4 * Math.ceil((v.width * v.height * 4) / 3), { message: 'rgba must be the base64 of width × height × 4 bytes', path: ['rgba'] });
export type ImageVisual = z.infer<typeof imageVisualSchema>;

export const textVisualSchema = z.strictObject({
  name: z.string(),
  kind: z.literal('text'),
  text: z.string(),
});
export type TextVisual = z.infer<typeof textVisualSchema>;

export const sampleVisualsSchema = z.strictObject({
  /** One per visualizer, in the order the integration declares them. */
  visuals: z.array(z.discriminatedUnion('kind', [imageVisualSchema, textVisualSchema])),
  /** Set when the visuals may differ from what the run saw (the script changed since it started). */
  warning: z.string().optional(),
});
export type SampleVisuals = z.infer<typeof sampleVisualsSchema>;
