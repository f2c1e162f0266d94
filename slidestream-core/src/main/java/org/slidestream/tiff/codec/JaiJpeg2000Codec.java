package org.slidestream.tiff.codec;

import com.github.jaiimageio.jpeg2000.impl.J2KImageReader;
import com.github.jaiimageio.jpeg2000.impl.J2KImageReaderSpi;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slidestream.image.Raster;

/**
 * JPEG 2000 in pure Java with jai-imageio-jpeg2000 (JJ2000). The reader is built directly rather
 * than looked up in the ImageIO registry, so it works in shaded jars and under class loaders whose
 * service files were not scanned.
 */
final class JaiJpeg2000Codec implements Jpeg2000Codec {
    static final JaiJpeg2000Codec INSTANCE = new JaiJpeg2000Codec();
    private static final J2KImageReaderSpi SPI = new J2KImageReaderSpi();

    private final Pool<J2KImageReader> readers = new Pool<>(() -> new J2KImageReader(SPI), J2KImageReader::dispose);

    private JaiJpeg2000Codec() {}

    @Override public String name() { return "jai-imageio"; }

    /**
     * Refuses a codestream with two 0xFF bytes in a row after its first SOD. Bit stuffing makes that
     * impossible in valid packet data, and JJ2000's packet-header bit reader, meeting it, returns one
     * bits for ever (it never refills its look-ahead byte), so a damaged tile would hang the reader.
     */
    static void requireNoDoubleFf(byte[] cs) {
        int i = 0;
        while (i + 1 < cs.length && !((cs[i] & 0xFF) == 0xFF && (cs[i + 1] & 0xFF) == 0x93)) i++;
        for (i += 2; i + 1 < cs.length; i++) {
            if (cs[i] == (byte) 0xFF && cs[i + 1] == (byte) 0xFF) {
                throw new CodecException("damaged JPEG 2000 data: bytes FF FF at " + i + " inside the packet data");
            }
        }
    }

    @Override
    public void decode(byte[] codestream, JpegColour colour, Raster dest) {
        Jpeg2000Header h = Jpeg2000Header.parse(codestream);
        Jpeg2000Samples.requireFits(h.width(), h.height(), h.components(), h.precision(), dest);
        requireNoDoubleFf(codestream);
        J2KImageReader reader = readers.borrow();
        java.awt.image.Raster decoded;
        try {
            reader.setInput(new ByteArrayImageInputStream(codestream, true), true, true);
            decoded = reader.readRaster(0, null);
            // No setInput(null) afterwards: JJ2000 fails on it. The idle reader keeps one codestream.
        } catch (IOException | RuntimeException e) {
            readers.discard(reader);
            throw new CodecException("damaged JPEG 2000 data: " + e.getMessage(), e);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Error e) {
            // JJ2000 reports some read errors by throwing ThreadDeath (after printing the cause).
            readers.discard(reader);
            throw new CodecException("damaged JPEG 2000 data: JJ2000 gave up (" + e + ")", e);
        }
        readers.giveBack(reader);
        int w = decoded.getWidth(), hgt = decoded.getHeight();
        if (w != h.width() || hgt != h.height() || decoded.getNumBands() != h.components()) {
            throw new CodecException("JPEG 2000 decoded to " + w + "x" + hgt + "x" + decoded.getNumBands()
                    + ", its header says " + h.width() + "x" + h.height() + "x" + h.components());
        }
        List<Jpeg2000Samples.Plane> planes = new ArrayList<>(h.components());
        for (int b = 0; b < h.components(); b++) {
            int[] samples = decoded.getSamples(decoded.getMinX(), decoded.getMinY(), w, hgt, b, (int[]) null);
            // JJ2000 returns every component at full resolution, signed ones unshifted.
            planes.add(new Jpeg2000Samples.Plane(samples, w, hgt, 1, 1, h.precision(), h.signed()));
        }
        Jpeg2000Samples.write(planes, w, hgt, colour, dest);
    }
}
