# Writes a CT series with pydicom, independently of CovidSeg's writer. Usage: write_series.py SPEC.json
# SPEC: out, rows, cols, stored (flat list, slice-major then row then column), row_dir, col_dir, origin, gap,
# pixel_spacing [row, col], slope, intercept, bits_allocated, bits_stored, signed, photometric, implicit, rle,
# order (sorted|reversed|shuffled), extension, series_uid, study_uid, frame_uid, modality, description, subfolders,
# multiframe (one Enhanced CT file, frames in the order given by `order`, geometry in functional groups).
import json, os, random, sys
import numpy as np
import pydicom
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, RLELossless, generate_uid

spec = json.load(open(sys.argv[1]))
rows, cols = spec["rows"], spec["cols"]
stored = np.array(spec["stored"]).reshape(-1, rows, cols)
n = stored.shape[0]
row_dir = np.array(spec["row_dir"], float); col_dir = np.array(spec["col_dir"], float)
normal = np.cross(row_dir, col_dir)
origin = np.array(spec["origin"], float)
dtype = {(8, False): np.uint8, (8, True): np.int8, (16, False): np.uint16, (16, True): np.int16}[(spec["bits_allocated"], spec["signed"])]
names = list(range(n))
if spec["order"] == "reversed": names = names[::-1]
elif spec["order"] == "shuffled": random.Random(7).shuffle(names)
os.makedirs(spec["out"], exist_ok=True)
position = lambda z: [float(v) for v in origin + z * spec["gap"] * normal]

def item(**attributes):
    d = pydicom.Dataset()
    for k, v in attributes.items(): setattr(d, k, v)
    return d

if spec.get("multiframe"):
    frames = [names.index(i) for i in range(n)]  # frame i holds slice frames[i]
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2.1"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ImplicitVRLittleEndian if spec["implicit"] else ExplicitVRLittleEndian
    path = os.path.join(spec["out"], "enhanced" + spec["extension"])
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = meta.MediaStorageSOPClassUID; ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = spec["study_uid"]; ds.SeriesInstanceUID = spec["series_uid"]; ds.FrameOfReferenceUID = spec["frame_uid"]
    ds.Modality = spec["modality"]; ds.SeriesDescription = spec["description"]
    ds.PatientName = "Test^Dicom"; ds.PatientID = "CS-13"
    ds.NumberOfFrames = n
    ds.SharedFunctionalGroupsSequence = [item(
        PlaneOrientationSequence=[item(ImageOrientationPatient=[float(v) for v in list(row_dir) + list(col_dir)])],
        PixelMeasuresSequence=[item(PixelSpacing=spec["pixel_spacing"], SliceThickness=spec["gap"])],
        PixelValueTransformationSequence=[item(RescaleSlope=spec["slope"], RescaleIntercept=spec["intercept"], RescaleType="HU")])]
    ds.PerFrameFunctionalGroupsSequence = [item(PlanePositionSequence=[item(ImagePositionPatient=position(frames[i]))]) for i in range(n)]
    ds.SamplesPerPixel = 1; ds.PhotometricInterpretation = spec["photometric"]; ds.Rows = rows; ds.Columns = cols
    ds.BitsAllocated = spec["bits_allocated"]; ds.BitsStored = spec["bits_stored"]; ds.HighBit = spec["bits_stored"] - 1
    ds.PixelRepresentation = 1 if spec["signed"] else 0
    ds.is_little_endian = True; ds.is_implicit_VR = spec["implicit"]
    arr = np.stack([stored[frames[i]] for i in range(n)]).astype(dtype)
    ds.PixelData = arr.tobytes()
    if spec["rle"]:
        ds.compress(RLELossless, arr)
    ds.save_as(path, write_like_original=False)
    print(n)
    sys.exit(0)

for z in range(n):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ImplicitVRLittleEndian if spec["implicit"] else ExplicitVRLittleEndian
    folder = os.path.join(spec["out"], "part%d" % (z % 2)) if spec.get("subfolders") else spec["out"]
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "img%03d%s" % (names[z], spec["extension"]))
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = spec["study_uid"]; ds.SeriesInstanceUID = spec["series_uid"]
    ds.FrameOfReferenceUID = spec["frame_uid"]
    ds.Modality = spec["modality"]; ds.SeriesDescription = spec["description"]
    ds.PatientName = "Test^Dicom"; ds.PatientID = "CS-13"; ds.PatientBirthDate = "19700101"; ds.PatientSex = "O"
    ds.StudyDate = "20260102"; ds.StudyTime = "101010"; ds.AccessionNumber = "A13"; ds.ReferringPhysicianName = ""
    ds.StudyID = "S13"; ds.SeriesNumber = 3
    ds.InstanceNumber = names[z] + 1  # deliberately not the spatial order
    ds.ImagePositionPatient = position(z)
    ds.ImageOrientationPatient = [float(v) for v in list(row_dir) + list(col_dir)]
    ds.PixelSpacing = spec["pixel_spacing"]; ds.SliceThickness = spec["gap"]
    ds.SamplesPerPixel = 1; ds.PhotometricInterpretation = spec["photometric"]
    ds.Rows = rows; ds.Columns = cols
    ds.BitsAllocated = spec["bits_allocated"]; ds.BitsStored = spec["bits_stored"]; ds.HighBit = spec["bits_stored"] - 1
    ds.PixelRepresentation = 1 if spec["signed"] else 0
    ds.RescaleSlope = spec["slope"]; ds.RescaleIntercept = spec["intercept"]
    ds.is_little_endian = True; ds.is_implicit_VR = spec["implicit"]
    arr = stored[z].astype(dtype)
    ds.PixelData = arr.tobytes()
    if spec["rle"]:
        ds.compress(RLELossless, arr)
    ds.save_as(path, write_like_original=False)
print(n)
