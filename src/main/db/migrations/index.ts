import { catalog001 } from './001-catalog';
import { referenceTruth002 } from './002-reference-truth';
import { annotations003 } from './003-annotations';
import { modelsRuns004 } from './004-models-runs';
import { folds005 } from './005-folds';
import { pseudonyms006 } from './006-pseudonyms';
import { reading007 } from './007-reading';

/** Migration N (1-based) brings `user_version` from N-1 to N. Append only; never edit a shipped one. */
export const migrations: readonly { name: string; sql: string }[] = [
  catalog001,
  referenceTruth002,
  annotations003,
  modelsRuns004,
  folds005,
  pseudonyms006,
  reading007,
];
