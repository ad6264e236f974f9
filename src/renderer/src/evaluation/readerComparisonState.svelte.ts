// Readers against the reference reader (the evaluation's ground-truth reader): every other reader's
// operating point on the cases they marked done, on all of them and apart for those read with and
// without the model's suggestions, with bootstrap intervals and reading times (main computes them).
import type { ReaderId } from '../../../shared/annotation/schemas';
import type { DvtApi } from '../../../shared/ipc/api';
import type { ReaderComparison } from '../../../shared/reading/schemas';

export interface ReaderComparisonRequest {
  referenceReaderId: ReaderId | null;
  unit: 'slices' | 'patches';
  resamples: number;
  seed: number;
}

export class ReaderComparisonState {
  comparison = $state.raw<ReaderComparison | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  private token = 0;

  constructor(private readonly api: DvtApi) {}

  async load(req: ReaderComparisonRequest): Promise<void> {
    const token = ++this.token;
    if (req.referenceReaderId === null) {
      this.comparison = null;
      this.loading = false;
      return;
    }
    this.loading = true;
    const r = await this.api.invoke('evaluation:readers', {
      referenceReaderId: req.referenceReaderId,
      unit: req.unit,
      resamples: req.resamples,
      seed: req.seed,
    });
    if (token !== this.token) return;
    this.loading = false;
    if (r.ok) {
      this.comparison = r.value;
      this.error = null;
    } else {
      this.comparison = null;
      this.error = r.error.message;
    }
  }
}
