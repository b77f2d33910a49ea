// Writes evalens.eval.schema.json at the repository root from the zod schema of the eval config.
// Run by scripts/build.mjs; the file is committed, and a test fails when it is stale.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_SCHEMA_FILE, evalConfigJsonSchemaText } from './config-schema';

writeFileSync(path.join(__dirname, '..', CONFIG_SCHEMA_FILE), evalConfigJsonSchemaText());
