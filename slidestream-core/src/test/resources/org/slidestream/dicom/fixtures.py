# Test fixtures for the DICOM reader, made with pydicom (Debian python3-pydicom 2.3) from real files:
# variants of the same pixels in other encodings (implicit VR, offset tables, TILED_SPARSE with a gap,
# two optical paths) and damaged series (an inconsistent frame size). Also dumps reference frames:
# pydicom's pixel_array (Pillow/libjpeg for JPEG), one .npy per instance.
#   fixtures.py OUT GRAY_DCM ORTHANC_FOLDER
import copy, glob, io, os, sys
from PIL import Image
import numpy as np
import pydicom
from pydicom.encaps import encapsulate, encapsulate_extended, generate_pixel_data_frame
from pydicom.uid import ImplicitVRLittleEndian

out, gray, orthanc = sys.argv[1], sys.argv[2], sys.argv[3]


def save(ds, path, implicit=False):
    if implicit:
        ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian
        ds.is_implicit_VR = True
        ds.is_little_endian = True
    ds.save_as(path, write_like_original=False)


def frames_of(ds):
    return list(generate_pixel_data_frame(ds.PixelData, int(ds.NumberOfFrames)))


# 1. the grayscale TILED_FULL file in implicit VR little endian
os.makedirs(out + '/implicit')
ds = pydicom.dcmread(gray)
save(ds, out + '/implicit/gray.dcm', implicit=True)

# 2. one JPEG level of the Orthanc pyramid with a Basic Offset Table, and with an Extended Offset Table
src = sorted(glob.glob(orthanc + '/*.dcm'))[-1]
for name, table in (('bot', 'basic'), ('eot', 'extended')):
    os.makedirs(out + '/' + name)
    ds = pydicom.dcmread(src)
    fr = frames_of(ds)
    if table == 'basic':
        ds.PixelData = encapsulate(fr, has_bot=True)
    else:
        data, offsets, lengths = encapsulate_extended(fr)
        ds.PixelData = data
        ds.ExtendedOffsetTable = offsets
        ds.ExtendedOffsetTableLengths = lengths
    ds['PixelData'].is_undefined_length = True
    save(ds, out + '/' + name + '/level.dcm')

# 3. TILED_SPARSE with the second frame missing (a gap that reads as background)
os.makedirs(out + '/sparse')
ds = pydicom.dcmread(src)
fr = frames_of(ds)
keep = [i for i in range(len(fr)) if i != 1]
ds.PixelData = encapsulate([fr[i] for i in keep])
ds['PixelData'].is_undefined_length = True
ds.PerFrameFunctionalGroupsSequence = pydicom.sequence.Sequence([ds.PerFrameFunctionalGroupsSequence[i] for i in keep])
ds.NumberOfFrames = len(keep)
ds.DimensionOrganizationType = 'TILED_SPARSE'
save(ds, out + '/sparse/level.dcm')

# 4. two optical paths (fluorescence): the gray image and its negative, named by their descriptions
os.makedirs(out + '/paths')
ds = pydicom.dcmread(gray)
px = ds.pixel_array
ds.PixelData = np.concatenate([px, np.iinfo(px.dtype).max - px]).astype(px.dtype).tobytes()
ds.NumberOfFrames = 2 * px.shape[0]
p2 = copy.deepcopy(ds.OpticalPathSequence[0])
p2.OpticalPathIdentifier = '2'
p2.OpticalPathDescription = 'FITC'
ds.OpticalPathSequence.append(p2)
ds.NumberOfOpticalPaths = 2
save(ds, out + '/paths/fluo.dcm')

# 5. a series whose second level has a frame size unlike its concatenation partner
os.makedirs(out + '/inconsistent')
files = sorted(glob.glob(orthanc + '/*.dcm'))
for f in files:
    ds = pydicom.dcmread(f)
    if f == files[1]:
        ds.Rows = ds.Columns = 256
    save(ds, out + '/inconsistent/' + os.path.basename(f))

# reference frames of every instance used by the tests
for f in [gray] + files + [out + '/sparse/level.dcm', out + '/paths/fluo.dcm', out + '/bot/level.dcm']:
    ds = pydicom.dcmread(f)
    if ds.file_meta.TransferSyntaxUID.is_compressed:
        # frame by frame with Pillow (libjpeg), as pydicom's JPEG handler does for one frame
        a = np.stack([np.asarray(Image.open(io.BytesIO(b)).convert('RGB' if ds.SamplesPerPixel == 3 else 'L'))
                      for b in frames_of(ds)])
    else:
        a = ds.pixel_array
        if int(ds.get('NumberOfFrames', 1)) == 1:
            a = a[None]
    if a.ndim == 3:
        a = a[..., None]
    np.save(out + '/ref-' + os.path.basename(os.path.dirname(f)) + '-' + os.path.basename(f) + '.npy', np.ascontiguousarray(a))
print('ok')
