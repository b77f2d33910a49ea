/**
 * The Evalens SDK: what integration scripts import as `evalens`.
 *
 * An integration script default-exports `defineIntegration({...})`. The loader resolves the
 * `evalens` import to this module, so users install nothing besides the extension or CLI.
 * Kept free of dependencies so it can also be published on its own.
 */

export type Dtype = 'float32' | 'int64' | 'int32' | 'uint8' | 'bool';

/** The typed array an encoder of a given dtype returns (bool tensors are bytes of 0 / 1). */
export type DtypeArray<D extends Dtype> = D extends 'float32'
  ? Float32Array
  : D extends 'int64'
    ? BigInt64Array
    : D extends 'int32'
      ? Int32Array
      : Uint8Array;

export type MetadataValue = number | string | boolean;
/** Metadata is flat: one level of keys, each holding a number, string or boolean. */
export type MetadataRecord = { readonly [key: string]: MetadataValue };

export const SUBSET_NAMES = ['train', 'validation', 'test', 'unlabeled'] as const;
export type StandardSubsetName = (typeof SUBSET_NAMES)[number];

/** One subset returned by `preprocess`: how many samples it has and whatever the encoders need. */
export interface Subset<TData = unknown> {
  readonly length: number;
  readonly data: TData;
}

/** What `preprocess` receives. */
export interface PreprocessContext {
  /** Folder of the integration script, for reading data that lives beside it. */
  readonly scriptDir: string;
  /** Dataset path chosen by a benchmark (`dataset` in an eval config), when there is one. */
  readonly datasetPath?: string;
  /** Parameters of the benchmark being run; empty for the integration test unless given. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** The subset a per-sample function is called for, with its name. */
export interface SubsetRef<TData = unknown> extends Subset<TData> {
  readonly name: string;
}

export interface Encoder<TData = unknown, D extends Dtype = Dtype> {
  /** Shape of one sample, without the batch dimension: a literal tuple of positive integers. */
  readonly shape: readonly number[];
  readonly dtype: D;
  encode(index: number, subset: SubsetRef<TData>): DtypeArray<D>;
}

export type MetadataFunction<TData = unknown> = (
  index: number,
  subset: SubsetRef<TData>,
) => MetadataRecord | MetadataValue;

/** What a custom metric or loss sees of one labeled sample. */
export interface SampleResult<TData = unknown> {
  readonly index: number;
  readonly subset: SubsetRef<TData>;
  /** Model outputs for this sample, by output name, batch dimension removed. */
  readonly outputs: Readonly<Record<string, Float32Array | BigInt64Array | Int32Array | Uint8Array>>;
  /** Encoded ground truths for this sample, by ground-truth encoder name. */
  readonly groundTruths: Readonly<Record<string, DtypeArray<Dtype>>>;
}

/** A per-sample custom metric or loss: must return a finite number. */
export type SampleScore<TData = unknown> = (sample: SampleResult<TData>) => number;

export type PredictionTask = 'classification' | 'binary' | 'multilabel' | 'regression';

export type OutputArray = Float32Array | BigInt64Array | Int32Array | Uint8Array;

export interface PredictionOutput {
  readonly role: 'prediction';
  readonly task: PredictionTask;
  /** Class names, one per entry of the output's class dimension (not needed for regression). */
  readonly labels?: readonly string[];
  /** Name of the ground-truth encoder this output is scored against. */
  readonly groundTruth?: string;
  /** Whether the output holds logits (softmax / sigmoid applied by Evalens) or probabilities. */
  readonly activation?: 'logits' | 'probabilities';
  /**
   * Multilabel outputs only: a label is predicted when its probability is at or above its
   * threshold. One threshold for every label, or one per label in the order of `labels`.
   * Default 0.5.
   */
  readonly threshold?: number | readonly number[];
}

/**
 * An output the integration decodes to text (token ids to a sentence, say), scored with
 * corpus BLEU-4 and exact match against the reference texts of each sample.
 */
export interface TextOutput<TData = unknown> {
  readonly role: 'prediction';
  readonly task: 'text';
  /** The text of one sample's output values. */
  decode(values: OutputArray): string;
  /** The reference text(s) of a sample; tokens are separated by whitespace. */
  references(index: number, subset: SubsetRef<TData>): string | readonly string[];
}

/**
 * A per-sample vector kept for the latent-space analysis (projections, neighbours, label
 * suggestions). Keyed by a model output's name, or by a name of your choice with `tensor`.
 */
export interface LatentOutput {
  readonly role: 'latent';
  /**
   * An intermediate tensor of the graph to read instead of a model output, for example the
   * output of the last hidden layer (`'/fc1/Relu_output_0'`; hover model.path to see the
   * model, completion lists its tensors). Evalens evaluates a copy of the model with that
   * tensor added as an output, so no re-export is needed; the key of model.outputs names
   * the latent output in records and embeddings.
   */
  readonly tensor?: string;
}

export type OutputBinding<TData = unknown> = PredictionOutput | TextOutput<TData> | LatentOutput;

export interface ModelBinding<TData = unknown> {
  /** Path of the ONNX file, relative to the integration script. */
  readonly path: string;
  /** Model input name → name of the input encoder that feeds it. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Model output name → its role. Outputs not named here are ignored. A latent with `tensor` may use any key. */
  readonly outputs: Readonly<Record<string, OutputBinding<TData>>>;
}

/**
 * Pixels of an image visualizer, row by row, `channels` values per pixel. A Uint8Array or
 * Uint8ClampedArray holds 0..255; a Float32Array holds 0..1 (0 black, 1 full intensity).
 */
export type ImagePixels = Uint8Array | Uint8ClampedArray | Float32Array;

/** One drawn image: `data` holds exactly width × height × channels values. */
export interface DrawnImage {
  readonly data: ImagePixels;
  /** Pixels per row, a positive integer. */
  readonly width: number;
  /** Rows, a positive integer. */
  readonly height: number;
  /** 1: grey, 3: RGB, 4: RGBA. */
  readonly channels: 1 | 3 | 4;
}

/** Draws a sample as an image (what the model sees, or the raw input before encoding). */
export interface ImageVisualizer<TData = unknown> {
  readonly kind: 'image';
  draw(index: number, subset: SubsetRef<TData>): DrawnImage;
}

/** Describes a sample in words (a caption, the source row, the text behind token ids). */
export interface TextVisualizer<TData = unknown> {
  readonly kind: 'text';
  draw(index: number, subset: SubsetRef<TData>): string;
}

/** How a sample's input is shown in reports: called for one sample at a time, in trusted workspaces only. */
export type Visualizer<TData = unknown> = ImageVisualizer<TData> | TextVisualizer<TData>;

/** Encoders by name; each one's `encode` must return the array type of its own `dtype`. */
export type Encoders<TData, M extends Record<string, Dtype>> = { readonly [K in keyof M]: Encoder<TData, M[K]> };

export type Subsets<TData> = Readonly<Record<string, Subset<TData>>>;

export interface IntegrationDefinition<
  TData = unknown,
  I extends Record<string, Dtype> = Record<string, Dtype>,
  G extends Record<string, Dtype> = Record<string, Dtype>,
> {
  readonly name?: string;
  preprocess(ctx: PreprocessContext): Subsets<TData> | Promise<Subsets<TData>>;
  readonly inputs: Encoders<TData, I>;
  readonly groundTruths?: Encoders<TData, G>;
  readonly metadata?: Readonly<Record<string, MetadataFunction<TData>>>;
  readonly metrics?: Readonly<Record<string, SampleScore<TData>>>;
  readonly losses?: Readonly<Record<string, SampleScore<TData>>>;
  /** Draw a sample's input for the report; not used to evaluate. */
  readonly visualizers?: Readonly<Record<string, Visualizer<TData>>>;
  readonly model: ModelBinding<TData>;
}

/** Marks an object as an Evalens integration; shared across module copies via the global symbol registry. */
export const INTEGRATION_BRAND: unique symbol = Symbol.for('evalens.integration') as never;

export type Integration<TData = unknown> = IntegrationDefinition<TData> & { readonly [INTEGRATION_BRAND]: true };

/**
 * Declares an integration. Encoders get their array type from `dtype`, so returning a
 * `number[]` where a `Float32Array` is declared, or metadata with nested objects, does not
 * compile.
 */
export function defineIntegration<
  TData,
  const I extends Record<string, Dtype>,
  const G extends Record<string, Dtype> = Record<never, Dtype>,
>(definition: IntegrationDefinition<TData, I, G>): Integration<TData> {
  return Object.freeze({ ...definition, [INTEGRATION_BRAND]: true as const }) as Integration<TData>;
}
