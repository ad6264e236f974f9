"""Writes small CT series for the import tests, from a JSON spec on stdin.

Spec: {"out": DIR, "series": [{"name", "studyUid", "seriesUid", "patientId", "patientName", "rows", "cols",
        "orientation": [6], "spacing": [r, c], "slope", "intercept",
        "slices": [{"file", "sop", "position": [3] | null, "instance": int | null, "base": int}]}]}
Each slice's stored pixel (r, c) = base + r * cols + c (wrapped to int16), so every value is predictable.
"""
import json
import sys

import numpy as np
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"


def write_slice(path, series, sl):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CT_IMAGE_STORAGE
    meta.MediaStorageSOPInstanceUID = sl["sop"] or "1.2.3"
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = CT_IMAGE_STORAGE
    ds.SOPInstanceUID = sl["sop"]
    ds.StudyInstanceUID = series["studyUid"]
    ds.SeriesInstanceUID = series["seriesUid"]
    ds.PatientID = series.get("patientId", "TEST001")
    ds.PatientName = series.get("patientName", "TEST^PATIENT")
    ds.PatientBirthDate = "19600101"
    ds.PatientSex = "O"
    ds.StudyDate = "20240101"
    ds.StudyTime = "120000"
    ds.Modality = "CT"
    ds.SeriesNumber = 1
    if sl.get("instance") is not None:
        ds.InstanceNumber = sl["instance"]
    if sl.get("position") is not None:
        ds.ImagePositionPatient = sl["position"]
        ds.ImageOrientationPatient = series["orientation"]
    ds.PixelSpacing = series["spacing"]
    ds.SliceThickness = 5
    rows, cols = series["rows"], series["cols"]
    ds.Rows = rows
    ds.Columns = cols
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1
    ds.RescaleSlope = series.get("slope", 1)
    ds.RescaleIntercept = series.get("intercept", -1024)
    ds.WindowCenter = 40
    ds.WindowWidth = 400
    values = (sl["base"] + np.arange(rows * cols, dtype=np.int64)).astype(np.int16).reshape(rows, cols)
    ds.PixelData = values.tobytes()
    ds.save_as(path, write_like_original=False)


def main():
    spec = json.load(sys.stdin)
    for series in spec["series"]:
        for sl in series["slices"]:
            write_slice(f'{spec["out"]}/{sl["file"]}', series, sl)


main()
