"""Reference pixel digests from pydicom (with GDCM) for test/dicom/parity.test.ts.

Usage:
  /usr/bin/python3 pydicom_reference.py --check      versions (gdcm null if missing) and the test-file folder
  /usr/bin/python3 pydicom_reference.py FILE...      one JSON object per line, per file:
    {"file", "ok": true, "dtype", "shape", "sha256", "min", "max", "sum", "frames", "header"}
    {"file", "ok": false, "error"}
sha256 is over the little-endian bytes of the whole array (C order); "frames" holds the digest of
each frame so multi-frame decoding is checked frame by frame; "header" holds a few header values.
Files are read with force=True so raw datasets without preamble or meta are read too.
"""
import hashlib
import json
import os
import sys
import warnings

warnings.simplefilter("ignore")

HEADER_KEYWORDS = [
    "SOPInstanceUID", "SeriesInstanceUID", "StudyInstanceUID", "PatientName", "PatientID",
    "Modality", "InstanceNumber", "SeriesNumber", "ImagePositionPatient", "ImageOrientationPatient",
    "PixelSpacing", "SliceThickness", "Rows", "Columns", "SamplesPerPixel", "BitsAllocated",
    "BitsStored", "PixelRepresentation", "PhotometricInterpretation", "RescaleSlope",
    "RescaleIntercept", "WindowCenter", "WindowWidth",
]


def digest(arr):
    le = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
    return hashlib.sha256(le.tobytes()).hexdigest()


def plain(value):
    """A JSON value for a header element: numbers for numeric VRs, strings otherwise."""
    from pydicom.multival import MultiValue
    from pydicom.valuerep import DSfloat, IS

    if value is None or value == "":
        return None
    if isinstance(value, MultiValue):
        return [plain(v) for v in value]
    if isinstance(value, (int, float, DSfloat, IS)):
        return float(value)
    return str(value)


def describe(path):
    import pydicom

    try:
        ds = pydicom.dcmread(path, force=True)
        # Before pixel_array: the GDCM handler's J2K correction rewrites PixelRepresentation.
        header = {k: plain(ds.get(k)) for k in HEADER_KEYWORDS}
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
        "header": header,
    }


def main():
    if sys.argv[1:] == ["--check"]:
        import numpy
        import pydicom
        import pydicom.data

        try:
            import gdcm

            gdcm_version = gdcm.Version.GetVersion()
        except ImportError:
            gdcm_version = None
        folder = os.path.join(os.path.dirname(pydicom.data.__file__), "test_files")
        versions = {"pydicom": pydicom.__version__, "numpy": numpy.__version__, "gdcm": gdcm_version}
        print(json.dumps({**versions, "testFiles": folder}))
        return
    for path in sys.argv[1:]:
        print(json.dumps(describe(path)), flush=True)


if __name__ == "__main__":
    main()
