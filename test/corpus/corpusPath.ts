import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The real logs live beside the repository (../shared/corpus/real); CORPUS_DIR overrides. */
export const CORPUS = resolve(process.env.CORPUS_DIR ?? resolve(__dirname, '../../../shared/corpus/real'));

if (!existsSync(CORPUS))
  throw new Error(`corpus not found at ${CORPUS}: npm run test:corpus needs ../shared/corpus/real (or CORPUS_DIR)`);
