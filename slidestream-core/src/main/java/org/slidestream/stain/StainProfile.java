package org.slidestream.stain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.slidestream.format.FormatException;
import org.slidestream.io.AtomicOutput;

/**
 * The stains of an image, as fitted by {@link StainFitter}: what a target file holds and what a
 * source slide is normalized with. Stain vectors are unit optical-density vectors (R, G, B),
 * hematoxylin first; maximum concentrations are the 99th percentiles of the concentrations of the
 * tissue pixels; the CIELAB statistics (mean and population standard deviation of L, a, b over the
 * tissue pixels) are fitted with every method, so a profile fitted for Macenko also serves
 * Reinhard.
 *
 * @param format             always {@value #FORMAT}
 * @param method             the method the stain vectors come from ({@code macenko}, {@code vahadane};
 *                           {@code reinhard} profiles have no stain vectors)
 * @param io                 the OD background intensity the profile was fitted with
 * @param beta               the OD threshold the profile was fitted with
 * @param hematoxylin        unit OD vector of hematoxylin, or null
 * @param eosin              unit OD vector of eosin, or null
 * @param maxConcentrations  99th-percentile concentrations of hematoxylin and eosin, or null
 * @param labMean            mean CIELAB L, a, b of the tissue pixels
 * @param labStd             standard deviation of CIELAB L, a, b of the tissue pixels
 * @param pixels             tissue pixels the fit used
 * @param source             what was fitted (a file, a region)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"format", "method", "io", "beta", "hematoxylin", "eosin", "maxConcentrations", "labMean", "labStd", "pixels", "source"})
public record StainProfile(String format, String method, float io, float beta, float[] hematoxylin, float[] eosin,
                           float[] maxConcentrations, float[] labMean, float[] labStd, long pixels, String source) {
    public static final String FORMAT = "slidestream-stains/1";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public StainProfile {
        if (format == null) format = FORMAT;
        if (!FORMAT.equals(format)) throw new IllegalArgumentException("not a stain profile of this version: format '" + format + "'");
        StainMethod.parse(method);
        check("hematoxylin", hematoxylin, 3);
        check("eosin", eosin, 3);
        check("maxConcentrations", maxConcentrations, 2);
        check("labMean", labMean, 3);
        check("labStd", labStd, 3);
        if ((hematoxylin == null) != (eosin == null) || (hematoxylin == null) != (maxConcentrations == null)) {
            throw new IllegalArgumentException("hematoxylin, eosin and maxConcentrations go together");
        }
        if (labMean == null || labStd == null) throw new IllegalArgumentException("labMean and labStd are required");
    }

    private static void check(String name, float[] v, int n) {
        if (v == null) return;
        if (v.length != n) throw new IllegalArgumentException(name + " must have " + n + " values, has " + v.length);
        for (float f : v) if (!Float.isFinite(f)) throw new IllegalArgumentException(name + " has a non-finite value");
    }

    public StainMethod stainMethod() {
        return StainMethod.parse(method);
    }

    /** True when the profile holds stain vectors (fitted with Macenko or Vahadane). */
    public boolean hasStains() {
        return hematoxylin != null;
    }

    /** The stain matrix, rows hematoxylin and eosin, as doubles. */
    double[][] stainRows() {
        return new double[][] {toDouble(hematoxylin), toDouble(eosin)};
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static StainProfile fromJson(String json) throws JsonProcessingException {
        return JSON.readValue(json, StainProfile.class);
    }

    /** Writes the profile as JSON, atomically. */
    public void write(Path file) throws IOException {
        try (AtomicOutput out = AtomicOutput.file(file)) {
            Files.writeString(out.path(), toJson() + "\n");
            out.commit();
        }
    }

    /** Reads a profile written by {@link #write}; bad content is a {@link FormatException} naming the file. */
    public static StainProfile read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        try {
            return fromJson(text);
        } catch (JsonProcessingException e) {
            String why = e.getCause() instanceof IllegalArgumentException iae ? iae.getMessage() : e.getOriginalMessage();
            throw new FormatException(file, "not a stain profile: " + why, e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StainProfile p && format.equals(p.format) && method.equals(p.method) && io == p.io
                && beta == p.beta && Arrays.equals(hematoxylin, p.hematoxylin) && Arrays.equals(eosin, p.eosin)
                && Arrays.equals(maxConcentrations, p.maxConcentrations) && Arrays.equals(labMean, p.labMean)
                && Arrays.equals(labStd, p.labStd) && pixels == p.pixels && java.util.Objects.equals(source, p.source);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(method, io, beta, Arrays.hashCode(hematoxylin), Arrays.hashCode(eosin), pixels);
    }

    @Override
    public String toString() {
        return "StainProfile[" + method + ", H=" + Arrays.toString(hematoxylin) + ", E=" + Arrays.toString(eosin)
                + ", maxC=" + Arrays.toString(maxConcentrations) + ", lab=" + Arrays.toString(labMean) + "/"
                + Arrays.toString(labStd) + ", " + pixels + " px]";
    }
}
