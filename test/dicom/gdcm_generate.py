"""Writes test images the pydicom corpus lacks, compressed by GDCM, for test/dicom/generated.test.ts.

Usage: /usr/bin/python3 gdcm_generate.py OUTPUT_FOLDER   (prints the written file names, one a line)
Multi-frame compressed images (JPEG 2000, JPEG-LS near-lossless, JPEG lossless, RLE), colour
JPEG-LS and JPEG 2000, and the uncompressed originals. Deterministic (fixed seed).
"""
import os
import sys
import warnings

warnings.simplefilter("ignore")

import gdcm  # noqa: E402
import numpy as np  # noqa: E402
from pydicom.dataset import FileDataset, FileMetaDataset  # noqa: E402


def write(path, arr, spp=1, photometric="MONOCHROME2", bits=16, stored=12):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    meta.MediaStorageSOPInstanceUID = "1.2.826.0.1.3680043.9.9999." + str(abs(hash(path)) % 10**9)
    meta.TransferSyntaxUID = "1.2.840.10008.1.2.1"
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.Modality = "1.2.3", "1.2.3.4", "OT"
    frames = arr.shape[0] if arr.ndim == (4 if spp > 1 else 3) else 1
    if frames > 1:
        ds.NumberOfFrames = frames
    ds.Rows, ds.Columns = arr.shape[-3:-1] if spp > 1 else arr.shape[-2:]
    ds.SamplesPerPixel, ds.PhotometricInterpretation = spp, photometric
    if spp > 1:
        ds.PlanarConfiguration = 0
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = bits, stored, stored - 1, 0
    ds.PixelData = arr.tobytes()
    ds.save_as(path, write_like_original=False)


def compress(src, dst, syntax):
    reader = gdcm.ImageReader()
    reader.SetFileName(src)
    assert reader.Read(), src
    change = gdcm.ImageChangeTransferSyntax()
    change.SetTransferSyntax(gdcm.TransferSyntax(syntax))
    change.SetInput(reader.GetImage())
    assert change.Change(), dst
    writer = gdcm.ImageWriter()
    writer.SetFileName(dst)
    writer.SetFile(reader.GetFile())
    writer.SetImage(change.GetOutput())
    assert writer.Write(), dst


def main(folder):
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:96, 0:80]
    grey = (2048 + 1500 * np.sin(x / 7.0) * np.cos(y / 9.0) + rng.normal(0, 60, y.shape)).clip(0, 4095)
    frames = np.stack([grey, grey[::-1], 4095 - grey]).astype("<u2")
    rgb = np.stack([(x * 3) % 256, (y * 2) % 256, (x + y) % 256], -1) + rng.integers(0, 20, (96, 80, 3))
    names = []
    multi = os.path.join(folder, "multiframe.dcm")
    write(multi, frames)
    colour = os.path.join(folder, "colour.dcm")
    write(colour, rgb.astype("u1"), spp=3, photometric="RGB", bits=8, stored=8)
    names += [multi, colour]
    T = gdcm.TransferSyntax
    for name, src, syntax in [
        ("multiframe_j2k.dcm", multi, T.JPEG2000),
        ("multiframe_j2k_lossless.dcm", multi, T.JPEG2000Lossless),
        ("multiframe_jls_near.dcm", multi, T.JPEGLSNearLossless),
        ("multiframe_jpeg_lossless.dcm", multi, T.JPEGLosslessProcess14_1),
        ("multiframe_rle.dcm", multi, T.RLELossless),
        ("colour_jls.dcm", colour, T.JPEGLSLossless),
        ("colour_j2k.dcm", colour, T.JPEG2000Lossless),
        ("colour_rle.dcm", colour, T.RLELossless),
    ]:
        compress(src, os.path.join(folder, name), syntax)
        names.append(os.path.join(folder, name))
    print("\n".join(names))


if __name__ == "__main__":
    main(sys.argv[1])
