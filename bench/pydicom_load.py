"""Reference for the import/load benchmark: pydicom + numpy read a series into an HU volume.

Usage: pydicom_load.py DIR  → prints JSON {"ms": …, "slices": …, "peakRssMb": …, "checksum": …}
"""
import json
import os
import resource
import sys
import time

import numpy as np
import pydicom


def ordered_checksum(volume):
    """Sum of each slice's HU times its 1-based position: a misordered volume gives another value."""
    per_slice = volume.reshape(volume.shape[0], -1).astype(np.int64).sum(axis=1)
    return int((per_slice * np.arange(1, len(per_slice) + 1)).sum())


def main():
    folder = sys.argv[1]
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".dcm"))
    t0 = time.perf_counter()
    datasets = [pydicom.dcmread(f) for f in files]
    datasets.sort(key=lambda ds: -float(ds.ImagePositionPatient[2]))
    first = datasets[0]
    volume = np.empty((len(datasets), first.Rows, first.Columns), dtype=np.int16)
    for i, ds in enumerate(datasets):
        volume[i] = ds.pixel_array * int(ds.RescaleSlope) + int(ds.RescaleIntercept)
    ms = (time.perf_counter() - t0) * 1000
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"ms": ms, "slices": len(datasets), "peakRssMb": peak_mb, "checksum": ordered_checksum(volume)}))


main()
