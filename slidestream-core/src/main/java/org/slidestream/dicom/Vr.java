package org.slidestream.dicom;

/** DICOM value representations (PS3.5 6.2): how a value is stored and how long its length field is. */
enum Vr {
    AE, AS, AT, CS, DA, DS, DT, FL, FD, IS, LO, LT, OB, OD, OF, OL, OV, OW, PN, SH, SL, SQ, SS, ST, SV, TM, UC, UI, UL,
    UN, UR, US, UT, UV;

    /** Explicit VRs whose length is 4 bytes after 2 reserved ones (PS3.5 7.1.2); the others have 2. */
    boolean longLength() {
        return switch (this) {
            case OB, OD, OF, OL, OV, OW, SQ, SV, UC, UN, UR, UT, UV -> true;
            default -> false;
        };
    }

    /** Text VRs, decoded as strings (trailing padding removed). */
    boolean text() {
        return switch (this) {
            case AE, AS, CS, DA, DS, DT, IS, LO, LT, PN, SH, ST, TM, UC, UI, UR, UT -> true;
            default -> false;
        };
    }

    /** The VR for two ASCII bytes, or null when they name none (a damaged header). */
    static Vr of(int b0, int b1) {
        if (b0 < 'A' || b0 > 'Z' || b1 < 'A' || b1 > 'Z') return null;
        try {
            return valueOf(new String(new char[] {(char) b0, (char) b1}));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
