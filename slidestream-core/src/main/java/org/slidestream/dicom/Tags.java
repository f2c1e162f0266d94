package org.slidestream.dicom;

import java.util.HashMap;
import java.util.Map;

/**
 * The attributes a whole-slide reader uses, as {@code group << 16 | element}, with their VR (needed
 * to read implicit-VR files) and keyword (for {@code dicom.*} properties). Not a full dictionary:
 * any other attribute is kept as bytes of VR UN when the file does not say its VR.
 */
final class Tags {
    private Tags() {}

    record Entry(Vr vr, String keyword) {}

    private static final Map<Integer, Entry> DICTIONARY = new HashMap<>();

    private static int t(int tag, Vr vr, String keyword) {
        DICTIONARY.put(tag, new Entry(vr, keyword));
        return tag;
    }

    static final int ITEM = 0xFFFEE000;
    static final int ITEM_DELIMITATION = 0xFFFEE00D;
    static final int SEQUENCE_DELIMITATION = 0xFFFEE0DD;

    static final int TRANSFER_SYNTAX_UID = t(0x00020010, Vr.UI, "TransferSyntaxUID");
    static final int SPECIFIC_CHARACTER_SET = t(0x00080005, Vr.CS, "SpecificCharacterSet");
    static final int IMAGE_TYPE = t(0x00080008, Vr.CS, "ImageType");
    static final int SOP_CLASS_UID = t(0x00080016, Vr.UI, "SOPClassUID");
    static final int SOP_INSTANCE_UID = t(0x00080018, Vr.UI, "SOPInstanceUID");
    static final int STUDY_DATE = t(0x00080020, Vr.DA, "StudyDate");
    static final int ACQUISITION_DATE_TIME = t(0x0008002A, Vr.DT, "AcquisitionDateTime");
    static final int MODALITY = t(0x00080060, Vr.CS, "Modality");
    static final int MANUFACTURER = t(0x00080070, Vr.LO, "Manufacturer");
    static final int CODE_MEANING = t(0x00080104, Vr.LO, "CodeMeaning");
    static final int MANUFACTURER_MODEL_NAME = t(0x00081090, Vr.LO, "ManufacturerModelName");
    static final int PATIENT_ID = t(0x00100020, Vr.LO, "PatientID");
    static final int DEVICE_SERIAL_NUMBER = t(0x00181000, Vr.LO, "DeviceSerialNumber");
    static final int SOFTWARE_VERSIONS = t(0x00181020, Vr.LO, "SoftwareVersions");
    static final int STUDY_INSTANCE_UID = t(0x0020000D, Vr.UI, "StudyInstanceUID");
    static final int SERIES_INSTANCE_UID = t(0x0020000E, Vr.UI, "SeriesInstanceUID");
    static final int STUDY_ID = t(0x00200010, Vr.SH, "StudyID");
    static final int SERIES_NUMBER = t(0x00200011, Vr.IS, "SeriesNumber");
    static final int INSTANCE_NUMBER = t(0x00200013, Vr.IS, "InstanceNumber");
    static final int FRAME_OF_REFERENCE_UID = t(0x00200052, Vr.UI, "FrameOfReferenceUID");
    static final int FRAME_CONTENT_SEQUENCE = t(0x00209111, Vr.SQ, "FrameContentSequence");
    static final int CONCATENATION_FRAME_OFFSET_NUMBER = t(0x00209228, Vr.UL, "ConcatenationFrameOffsetNumber");
    static final int CONCATENATION_UID = t(0x00209161, Vr.UI, "ConcatenationUID");
    static final int IN_CONCATENATION_NUMBER = t(0x00209162, Vr.US, "InConcatenationNumber");
    static final int IN_CONCATENATION_TOTAL_NUMBER = t(0x00209163, Vr.US, "InConcatenationTotalNumber");
    static final int DIMENSION_ORGANIZATION_TYPE = t(0x00209311, Vr.CS, "DimensionOrganizationType");
    static final int ILLUMINATION_WAVE_LENGTH = t(0x00220055, Vr.FL, "IlluminationWaveLength");
    static final int SAMPLES_PER_PIXEL = t(0x00280002, Vr.US, "SamplesPerPixel");
    static final int PHOTOMETRIC_INTERPRETATION = t(0x00280004, Vr.CS, "PhotometricInterpretation");
    static final int PLANAR_CONFIGURATION = t(0x00280006, Vr.US, "PlanarConfiguration");
    static final int NUMBER_OF_FRAMES = t(0x00280008, Vr.IS, "NumberOfFrames");
    static final int ROWS = t(0x00280010, Vr.US, "Rows");
    static final int COLUMNS = t(0x00280011, Vr.US, "Columns");
    static final int PIXEL_SPACING = t(0x00280030, Vr.DS, "PixelSpacing");
    static final int BITS_ALLOCATED = t(0x00280100, Vr.US, "BitsAllocated");
    static final int BITS_STORED = t(0x00280101, Vr.US, "BitsStored");
    static final int HIGH_BIT = t(0x00280102, Vr.US, "HighBit");
    static final int PIXEL_REPRESENTATION = t(0x00280103, Vr.US, "PixelRepresentation");
    static final int LOSSY_IMAGE_COMPRESSION = t(0x00282110, Vr.CS, "LossyImageCompression");
    static final int ICC_PROFILE = t(0x00282000, Vr.OB, "ICCProfile");
    static final int PIXEL_MEASURES_SEQUENCE = t(0x00289110, Vr.SQ, "PixelMeasuresSequence");
    static final int CONTAINER_IDENTIFIER = t(0x00400512, Vr.LO, "ContainerIdentifier");
    static final int Z_OFFSET_IN_SLIDE = t(0x0040074A, Vr.DS, "ZOffsetInSlideCoordinateSystem");
    static final int X_OFFSET_IN_SLIDE = t(0x0040072A, Vr.DS, "XOffsetInSlideCoordinateSystem");
    static final int Y_OFFSET_IN_SLIDE = t(0x0040073A, Vr.DS, "YOffsetInSlideCoordinateSystem");
    static final int IMAGED_VOLUME_WIDTH = t(0x00480001, Vr.FL, "ImagedVolumeWidth");
    static final int IMAGED_VOLUME_HEIGHT = t(0x00480002, Vr.FL, "ImagedVolumeHeight");
    static final int IMAGED_VOLUME_DEPTH = t(0x00480003, Vr.FL, "ImagedVolumeDepth");
    static final int TOTAL_PIXEL_MATRIX_COLUMNS = t(0x00480006, Vr.UL, "TotalPixelMatrixColumns");
    static final int TOTAL_PIXEL_MATRIX_ROWS = t(0x00480007, Vr.UL, "TotalPixelMatrixRows");
    static final int SPECIMEN_LABEL_IN_IMAGE = t(0x00480010, Vr.CS, "SpecimenLabelInImage");
    static final int FOCUS_METHOD = t(0x00480011, Vr.CS, "FocusMethod");
    static final int EXTENDED_DEPTH_OF_FIELD = t(0x00480012, Vr.CS, "ExtendedDepthOfField");
    static final int OPTICAL_PATH_SEQUENCE = t(0x00480105, Vr.SQ, "OpticalPathSequence");
    static final int OPTICAL_PATH_IDENTIFIER = t(0x00480106, Vr.SH, "OpticalPathIdentifier");
    static final int OPTICAL_PATH_DESCRIPTION = t(0x00480107, Vr.ST, "OpticalPathDescription");
    static final int ILLUMINATION_COLOR_CODE_SEQUENCE = t(0x00480108, Vr.SQ, "IlluminationColorCodeSequence");
    static final int OBJECTIVE_LENS_POWER = t(0x00480112, Vr.DS, "ObjectiveLensPower");
    static final int OBJECTIVE_LENS_NUMERICAL_APERTURE = t(0x00480113, Vr.DS, "ObjectiveLensNumericalAperture");
    static final int OPTICAL_PATH_IDENTIFICATION_SEQUENCE = t(0x00480207, Vr.SQ, "OpticalPathIdentificationSequence");
    static final int PLANE_POSITION_SLIDE_SEQUENCE = t(0x0048021A, Vr.SQ, "PlanePositionSlideSequence");
    static final int COLUMN_POSITION_IN_TOTAL_MATRIX = t(0x0048021E, Vr.SL, "ColumnPositionInTotalImagePixelMatrix");
    static final int ROW_POSITION_IN_TOTAL_MATRIX = t(0x0048021F, Vr.SL, "RowPositionInTotalImagePixelMatrix");
    static final int NUMBER_OF_OPTICAL_PATHS = t(0x00480302, Vr.UL, "NumberOfOpticalPaths");
    static final int TOTAL_PIXEL_MATRIX_FOCAL_PLANES = t(0x00480303, Vr.UL, "TotalPixelMatrixFocalPlanes");
    static final int SHARED_FUNCTIONAL_GROUPS = t(0x52009229, Vr.SQ, "SharedFunctionalGroupsSequence");
    static final int PER_FRAME_FUNCTIONAL_GROUPS = t(0x52009230, Vr.SQ, "PerFrameFunctionalGroupsSequence");
    static final int EXTENDED_OFFSET_TABLE = t(0x7FE00001, Vr.OV, "ExtendedOffsetTable");
    static final int EXTENDED_OFFSET_TABLE_LENGTHS = t(0x7FE00002, Vr.OV, "ExtendedOffsetTableLengths");
    static final int PIXEL_DATA = t(0x7FE00010, Vr.OB, "PixelData");

    /** The dictionary entry of a tag, or null when this reader does not know it. */
    static Entry entry(int tag) {
        return DICTIONARY.get(tag);
    }

    /** {@code (gggg,eeee)}, for messages. */
    static String format(int tag) {
        return String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
    }

    /** The keyword of a tag, or its number. */
    static String name(int tag) {
        Entry e = DICTIONARY.get(tag);
        return e != null ? e.keyword() : format(tag);
    }
}
