package org.slidestream.tiff.writer;

import java.util.Locale;
import org.slidestream.image.ImageInfo;

/**
 * The OME-XML (2016-06 schema) stored in the first IFD's ImageDescription: one Image whose Pixels
 * give the type, XYCZT sizes, physical pixel sizes in micrometres and the channels, and one
 * TiffData per main IFD. RGB is one channel of three samples, as Bio-Formats writes it.
 */
final class OmeXml {
    private OmeXml() {}

    /**
     * @param info      full-resolution image (bands: all samples of one plane of the source)
     * @param sizeZ     Z planes
     * @param channels  OME channels (1 for RGB; the band count otherwise)
     */
    static String of(ImageInfo info, int sizeZ, int channels, WriteMetadata m) {
        StringBuilder s = new StringBuilder(1024);
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append("<OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\"")
                .append(" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"")
                .append(" xsi:schemaLocation=\"http://www.openmicroscopy.org/Schemas/OME/2016-06")
                .append(" http://www.openmicroscopy.org/Schemas/OME/2016-06/ome.xsd\"")
                .append(" Creator=\"slidestream\">");
        if (m.magnification() != null) {
            s.append("<Instrument ID=\"Instrument:0\"><Objective ID=\"Objective:0:0\" NominalMagnification=\"")
                    .append(num(m.magnification())).append("\"/></Instrument>");
        }
        s.append("<Image ID=\"Image:0\"");
        if (m.name() != null) s.append(" Name=\"").append(escape(m.name())).append('"');
        s.append('>');
        if (m.magnification() != null) {
            s.append("<InstrumentRef ID=\"Instrument:0\"/><ObjectiveSettings ID=\"Objective:0:0\"/>");
        }
        int sizeC = m.rgb() ? info.bands() : channels;
        s.append("<Pixels ID=\"Pixels:0\" DimensionOrder=\"XYCZT\" Type=\"").append(info.pixelType().omeName()).append('"')
                .append(" SizeX=\"").append(info.width()).append("\" SizeY=\"").append(info.height()).append('"')
                .append(" SizeC=\"").append(sizeC).append("\" SizeZ=\"").append(sizeZ).append("\" SizeT=\"1\"");
        physical(s, "X", m.mppX());
        physical(s, "Y", m.mppY());
        if (sizeZ > 1) physical(s, "Z", m.mppZ());
        s.append(" BigEndian=\"false\" Interleaved=\"").append(m.rgb() ? "true" : "false").append("\">");
        if (m.rgb()) {
            s.append("<Channel ID=\"Channel:0:0\" SamplesPerPixel=\"").append(info.bands()).append("\"><LightPath/></Channel>");
        } else {
            for (int c = 0; c < channels; c++) {
                s.append("<Channel ID=\"Channel:0:").append(c).append('"');
                String name = c < m.channelNames().size() ? m.channelNames().get(c) : null;
                if (name != null && !name.isEmpty()) s.append(" Name=\"").append(escape(name)).append('"');
                s.append(" SamplesPerPixel=\"1\"><LightPath/></Channel>");
            }
        }
        int ifd = 0;
        for (int z = 0; z < sizeZ; z++) {
            for (int c = 0; c < channels; c++) {
                s.append("<TiffData FirstC=\"").append(c).append("\" FirstT=\"0\" FirstZ=\"").append(z)
                        .append("\" IFD=\"").append(ifd++).append("\" PlaneCount=\"1\"/>");
            }
        }
        s.append("</Pixels></Image></OME>");
        return s.toString();
    }

    private static void physical(StringBuilder s, String axis, Double mpp) {
        if (mpp == null) return;
        s.append(" PhysicalSize").append(axis).append("=\"").append(num(mpp)).append('"')
                .append(" PhysicalSize").append(axis).append("Unit=\"\u00b5m\"");
    }

    private static String num(double v) {
        String t = String.format(Locale.ROOT, "%.10g", v);
        if (t.contains(".")) t = t.replaceAll("0+$", "").replaceAll("\\.$", "");
        return t;
    }

    static String escape(String v) {
        StringBuilder b = new StringBuilder(v.length());
        for (char ch : v.toCharArray()) {
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(ch < 0x20 && ch != '\t' ? ' ' : ch);
            }
        }
        return b.toString();
    }
}
