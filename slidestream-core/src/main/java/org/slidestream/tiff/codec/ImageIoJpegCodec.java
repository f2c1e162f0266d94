package org.slidestream.tiff.codec;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.slidestream.image.Raster;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * JPEG with the JDK's ImageIO plugin (libjpeg 6b inside the JDK). Decoding uses
 * {@link ImageReader#readRaster}, which returns the decoded components without any colour
 * conversion whatever markers the stream has; YCbCr is then converted here with libjpeg's own
 * integer formula, so the result is that of a libjpeg decoder told the right colour space. The
 * JDK's guess (which ignores that Aperio tiles are RGB when they are subsampled) never applies.
 */
final class ImageIoJpegCodec implements JpegCodec {
    static final ImageIoJpegCodec INSTANCE = new ImageIoJpegCodec();
    private static final String NATIVE_FORMAT = "javax_imageio_jpeg_image_1.0";

    private final Pool<ReaderSession> readers = new Pool<>(ReaderSession::new, s -> s.reader.dispose());
    private final Pool<WriterSession> writers = new Pool<>(WriterSession::new, s -> s.writer.dispose());

    private ImageIoJpegCodec() {}

    @Override public String name() { return "imageio"; }

    @Override
    public void decode(byte[] jpeg, JpegColour colour, Raster dest) {
        JpegStreams.Header h = JpegChecks.requireDecodable(jpeg, dest);
        ReaderSession s = readers.borrow();
        java.awt.image.Raster decoded;
        try {
            decoded = s.read(jpeg);
        } catch (IOException | RuntimeException e) {
            readers.discard(s);
            throw new CodecException("damaged JPEG data: " + e.getMessage(), e);
        }
        readers.giveBack(s);
        if (decoded.getWidth() != h.width() || decoded.getHeight() != h.height() || decoded.getNumBands() != dest.bands()) {
            throw new CodecException("JPEG decoded to " + decoded.getWidth() + "x" + decoded.getHeight() + "x"
                    + decoded.getNumBands() + ", its header says " + h.width() + "x" + h.height() + "x" + h.componentCount());
        }
        copy(decoded, dest);
        if (h.componentCount() == 3 && colour == JpegColour.YCBCR) {
            for (int y = 0; y < h.height(); y++) {
                YCbCr.jpegToRgb(dest.bytes(), dest.index(0, y, 0), h.width());
            }
        }
    }

    /** Copies the decoded samples into the top-left corner of {@code dest}. */
    private static void copy(java.awt.image.Raster src, Raster dest) {
        int w = src.getWidth(), h = src.getHeight(), bands = src.getNumBands();
        byte[] out = dest.bytes();
        if (src.getSampleModel() instanceof ComponentSampleModel sm && src.getDataBuffer() instanceof DataBufferByte db
                && sm.getPixelStride() == bands && isIdentity(sm.getBandOffsets())) {
            byte[] in = db.getData();
            int stride = sm.getScanlineStride();
            int base = db.getOffset() + sm.getOffset(-src.getSampleModelTranslateX(), -src.getSampleModelTranslateY());
            for (int y = 0; y < h; y++) {
                System.arraycopy(in, base + y * stride, out, dest.index(0, y, 0), w * bands);
            }
            return;
        }
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            src.getPixels(src.getMinX(), src.getMinY() + y, w, 1, row);
            int o = dest.index(0, y, 0);
            for (int i = 0; i < row.length; i++) out[o + i] = (byte) row[i];
        }
    }

    private static boolean isIdentity(int[] offsets) {
        for (int i = 0; i < offsets.length; i++) if (offsets[i] != i) return false;
        return true;
    }

    @Override
    public byte[] encode(Raster src, int quality, ChromaSubsampling subsampling) {
        JpegChecks.requireEncodable(src, quality);
        BufferedImage image = wrap(src);
        WriterSession s = writers.borrow();
        try {
            byte[] out = s.write(image, quality, subsampling);
            writers.giveBack(s);
            return out;
        } catch (IOException | RuntimeException e) {
            writers.discard(s);
            throw new CodecException("JPEG encoding failed: " + e.getMessage(), e);
        }
    }

    /** A BufferedImage over the raster's own array (no copy): interleaved RGB or gray bytes. */
    private static BufferedImage wrap(Raster src) {
        int w = src.width(), h = src.height(), bands = src.bands();
        ColorSpace cs = ColorSpace.getInstance(bands == 1 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ComponentColorModel cm = new ComponentColorModel(cs, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        int[] offsets = bands == 1 ? new int[] {0} : new int[] {0, 1, 2};
        WritableRaster r = java.awt.image.Raster.createInterleavedRaster(
                new DataBufferByte(src.bytes(), w * h * bands), w, h, w * bands, bands, offsets, null);
        return new BufferedImage(cm, r, false, null);
    }

    /** One ImageIO reader with its warning log; used by one thread at a time. */
    private static final class ReaderSession {
        final ImageReader reader;
        final List<String> warnings = new ArrayList<>(1);

        ReaderSession() {
            Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("jpeg");
            if (!it.hasNext()) throw new IllegalStateException("this JDK has no ImageIO JPEG reader");
            reader = it.next();
            // libjpeg's warnings (premature end of data, corrupt entropy data) mean damaged pixels:
            // fail as OpenSlide does rather than return a half-gray tile.
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        }

        java.awt.image.Raster read(byte[] jpeg) throws IOException {
            warnings.clear();
            reader.setInput(new ByteArrayImageInputStream(jpeg), true, true);
            try {
                java.awt.image.Raster r = reader.readRaster(0, null);
                if (!warnings.isEmpty()) throw new IOException(warnings.getFirst());
                return r;
            } finally {
                reader.setInput(null);
            }
        }
    }

    /** One ImageIO writer with its metadata per chroma subsampling; used by one thread at a time. */
    private static final class WriterSession {
        final ImageWriter writer;
        final Map<ChromaSubsampling, IIOMetadata> rgbMetadata = new EnumMap<>(ChromaSubsampling.class);

        WriterSession() {
            Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg");
            if (!it.hasNext()) throw new IllegalStateException("this JDK has no ImageIO JPEG writer");
            writer = it.next();
        }

        byte[] write(BufferedImage image, int quality, ChromaSubsampling subsampling) throws IOException {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            IIOMetadata metadata = image.getRaster().getNumBands() == 3 ? rgbMetadata(image, param, subsampling) : null;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, image.getWidth() * image.getHeight() / 4));
            try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(image, null, metadata), param);
            } finally {
                writer.setOutput(null);
            }
            return bytes.toByteArray();
        }

        /** Default JFIF/YCbCr metadata with the luma sampling factors set for {@code s} (chroma stays 1x1). */
        private IIOMetadata rgbMetadata(BufferedImage image, ImageWriteParam param, ChromaSubsampling s) throws IIOInvalidTreeException {
            IIOMetadata cached = rgbMetadata.get(s);
            if (cached != null) return cached;
            IIOMetadata m = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
            Node tree = m.getAsTree(NATIVE_FORMAT);
            NodeList specs = ((Element) tree).getElementsByTagName("componentSpec");
            for (int i = 0; i < specs.getLength(); i++) {
                Element spec = (Element) specs.item(i);
                boolean luma = i == 0;
                spec.setAttribute("HsamplingFactor", String.valueOf(luma ? s.horizontal() : 1));
                spec.setAttribute("VsamplingFactor", String.valueOf(luma ? s.vertical() : 1));
            }
            m.setFromTree(NATIVE_FORMAT, tree);
            rgbMetadata.put(s, m);
            return m;
        }
    }
}
