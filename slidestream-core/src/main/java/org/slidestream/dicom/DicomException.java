package org.slidestream.dicom;

/**
 * A problem in a DICOM file found while parsing, without the file name: the caller that knows the
 * file turns it into a {@link org.slidestream.slide.CorruptSlideException} naming it.
 */
final class DicomException extends RuntimeException {
    DicomException(String message) {
        super(message);
    }
}
