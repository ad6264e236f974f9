"""Reference pixel digests from pydicom (with GDCM) for the DICOM parity test.

Usage: /usr/bin/python3 pydicom_reference.py FILE...
Prints one JSON object per line, per file:
  {"file", "ok": true, "dtype", "shape", "sha256", "min", "max", "sum", "frames": [sha256...]}
  {"file", "ok": false, "error"}
sha256 is over the little-endian bytes of the whole array (C order); "frames" holds
the digest of each frame so multi-frame decoding can be checked frame by frame.
"--check" only prints the pydicom and numpy versions (used to decide whether to skip).
"""
import hashlib
import json
import sys
import warnings

warnings.simplefilter("ignore")


def digest(arr):
    le = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
    return hashlib.sha256(le.tobytes()).hexdigest()


def describe(path):
    import pydicom

    try:
        # force=True: also read raw datasets without the Part 10 preamble.
        ds = pydicom.dcmread(path, force=True)
        arr = ds.pixel_array
    except Exception as e:  # noqa: BLE001 - any failure is a reported result
        return {"file": path, "ok": False, "error": f"{type(e).__name__}: {e}"[:300]}
    nframes = int(getattr(ds, "NumberOfFrames", 1) or 1)
    frames = [digest(arr[i]) for i in range(nframes)] if nframes > 1 else [digest(arr)]
    return {
        "file": path,
        "ok": True,
        "dtype": arr.dtype.str.lstrip("<>|="),
        "shape": list(arr.shape),
        "sha256": digest(arr),
        "min": int(arr.min()),
        "max": int(arr.max()),
        "sum": int(arr.astype("int64").sum()),
        "frames": frames,
        "photometric": str(ds.get("PhotometricInterpretation", "")),
    }


def main():
    if sys.argv[1:] == ["--check"]:
        import numpy
        import pydicom

        print(json.dumps({"pydicom": pydicom.__version__, "numpy": numpy.__version__}))
        return
    for path in sys.argv[1:]:
        print(json.dumps(describe(path)), flush=True)


if __name__ == "__main__":
    main()
