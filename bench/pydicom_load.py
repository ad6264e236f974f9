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
    print(json.dumps({"ms": ms, "slices": len(datasets), "peakRssMb": peak_mb, "checksum": int(volume.astype(np.int64).sum())}))


main()
