# Reads a DICOM Segmentation and its source CT folder with pydicom, independently of CovidSeg, and prints JSON:
# the segments, the geometry, the references, and the label volume rebuilt from the frames (segment numbers,
# slice-major, slices sorted along the normal as computed here). Usage: read_seg.py SEG.dcm SOURCE_FOLDER
import json, os, sys
import numpy as np
import pydicom

seg = pydicom.dcmread(sys.argv[1])
sources = [pydicom.dcmread(os.path.join(d, f)) for d, _, fs in os.walk(sys.argv[2]) for f in fs]
iop = np.array(sources[0].ImageOrientationPatient, float)
normal = np.cross(iop[:3], iop[3:])
sources.sort(key=lambda s: float(np.dot(np.array(s.ImagePositionPatient, float), normal)))
positions = [np.array(s.ImagePositionPatient, float) for s in sources]

frames = seg.pixel_array.reshape(int(seg.NumberOfFrames), seg.Rows, seg.Columns)
volume = np.zeros((len(sources), seg.Rows, seg.Columns), int)
frame_refs = []
for i, group in enumerate(seg.PerFrameFunctionalGroupsSequence):
    number = int(group.SegmentIdentificationSequence[0].ReferencedSegmentNumber)
    pos = np.array(group.PlanePositionSequence[0].ImagePositionPatient, float)
    z = min(range(len(positions)), key=lambda k: np.linalg.norm(positions[k] - pos))
    assert np.linalg.norm(positions[z] - pos) < 1e-4, "frame %d is at %s, on no source slice" % (i, pos)
    assert not np.any(volume[z][frames[i] > 0]), "segments overlap at slice %d" % z
    volume[z][frames[i] > 0] = number
    ref = group.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID
    frame_refs.append(ref == sources[z].SOPInstanceUID)

shared = seg.SharedFunctionalGroupsSequence[0]
print(json.dumps({
    "sop_class": seg.SOPClassUID, "modality": seg.Modality, "type": seg.SegmentationType,
    "study": seg.StudyInstanceUID, "source_study": sources[0].StudyInstanceUID,
    "series": seg.SeriesInstanceUID, "source_series": sources[0].SeriesInstanceUID,
    "frame_of_reference": seg.FrameOfReferenceUID, "source_frame_of_reference": sources[0].FrameOfReferenceUID,
    "patient": [str(seg.PatientName), seg.PatientID, seg.PatientBirthDate, seg.PatientSex],
    "segments": [{"number": int(s.SegmentNumber), "label": s.SegmentLabel,
                  "type": [s.SegmentedPropertyTypeCodeSequence[0].CodeValue, s.SegmentedPropertyTypeCodeSequence[0].CodingSchemeDesignator],
                  "category": s.SegmentedPropertyCategoryCodeSequence[0].CodeValue} for s in seg.SegmentSequence],
    "frames": int(seg.NumberOfFrames),
    "orientation_matches": bool(np.allclose(np.array(shared.PlaneOrientationSequence[0].ImageOrientationPatient, float), iop, atol=1e-6)),
    "spacing": [float(v) for v in shared.PixelMeasuresSequence[0].PixelSpacing],
    "source_spacing": [float(v) for v in sources[0].PixelSpacing],
    "referenced_instances": sorted(r.ReferencedSOPInstanceUID for r in seg.ReferencedSeriesSequence[0].ReferencedInstanceSequence),
    "source_instances": sorted(s.SOPInstanceUID for s in sources),
    "frames_reference_their_slice": all(frame_refs),
    "volume": volume.ravel().tolist(),
}))
