package org.slidestream.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slidestream.io.AtomicOutput;
import org.slidestream.pipeline.CohortInputs;
import org.slidestream.pipeline.CohortSlide;

/**
 * The job's slides, resolved on the driver: local paths as the local engine resolves them
 * ({@link CohortInputs}); URIs through the Hadoop FileSystem API: a folder is searched recursively
 * for slide files (sorted, hidden entries skipped), a manifest is read and its relative slide paths
 * resolved against the manifest's folder on that file system.
 */
final class SparkInputs {
    private SparkInputs() {}

    static List<SparkSlide> resolve(List<String> inputs, Configuration conf) throws IOException {
        List<SparkSlide> slides = new ArrayList<>();
        for (String in : inputs) {
            if (!org.slidestream.pipeline.job.Job.isUri(in) || in.startsWith("file:")) {
                java.nio.file.Path p = in.startsWith("file:") ? java.nio.file.Path.of(java.net.URI.create(in)) : java.nio.file.Path.of(in);
                for (CohortSlide s : CohortInputs.resolve(List.of(p))) {
                    slides.add(new SparkSlide(s.id(), s.path().toString(), s.options()));
                }
            } else {
                slides.addAll(remote(new Path(in), conf));
            }
        }
        Map<String, String> seen = new HashMap<>();
        for (SparkSlide s : slides) {
            String other = seen.putIfAbsent(s.id(), s.location());
            if (other != null) {
                throw new IllegalArgumentException("two slides would share the output name '" + s.id() + "': "
                        + other + " and " + s.location() + " (give them distinct names, or an 'id' column in a manifest)");
            }
        }
        return slides;
    }

    private static List<SparkSlide> remote(Path in, Configuration conf) throws IOException {
        FileSystem fs = in.getFileSystem(conf);
        List<SparkSlide> out = new ArrayList<>();
        if (!fs.exists(in)) {
            out.add(new SparkSlide(CohortInputs.slideId(java.nio.file.Path.of(in.getName())), in.toString(), Map.of()));
            return out; // a failed slide, as for a missing local file
        }
        FileStatus st = fs.getFileStatus(in);
        if (st.isDirectory()) {
            List<String> files = new ArrayList<>();
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(in, true);
            String root = fs.makeQualified(in).toUri().getPath();
            while (it.hasNext()) {
                Path p = it.next().getPath();
                String rel = p.toUri().getPath().substring(Math.min(root.length(), p.toUri().getPath().length()));
                if (hidden(rel) || !CohortInputs.isSlideFile(java.nio.file.Path.of(p.getName()))) continue;
                files.add(p.toString());
            }
            files.sort(null);
            for (String f : files) {
                out.add(new SparkSlide(CohortInputs.slideId(java.nio.file.Path.of(new Path(f).getName())), f, Map.of()));
            }
        } else if (CohortInputs.isManifest(java.nio.file.Path.of(in.getName()))) {
            java.nio.file.Path tmp = Files.createTempDirectory("slidestream-manifest");
            try {
                java.nio.file.Path local = tmp.resolve(in.getName());
                fs.copyToLocalFile(false, in, new Path(local.toUri()), true);
                for (CohortSlide s : CohortInputs.resolve(List.of(local))) {
                    String location = s.path().startsWith(tmp)
                            ? new Path(in.getParent(), tmp.relativize(s.path()).toString()).toString()
                            : s.path().toString();
                    out.add(new SparkSlide(s.id(), location, s.options()));
                }
            } finally {
                AtomicOutput.deleteRecursively(tmp);
            }
        } else {
            out.add(new SparkSlide(CohortInputs.slideId(java.nio.file.Path.of(in.getName())), in.toString(), Map.of()));
        }
        return out;
    }

    /**
     * A job location as a Hadoop path: a URI as written, a path without a scheme on the local file
     * system (as for the local engine), not on the cluster's default file system.
     */
    static Path hadoopPath(String location) {
        return org.slidestream.pipeline.job.Job.isUri(location) ? new Path(location) : new Path(new java.io.File(location).toURI());
    }

    private static boolean hidden(String rel) {
        for (String part : rel.split("/")) if (part.startsWith(".") || part.startsWith("_")) return true;
        return false;
    }

    static CohortSlide cohortSlide(SparkSlide s) {
        return new CohortSlide(s.id(), java.nio.file.Path.of(s.location().replaceFirst("^[A-Za-z][A-Za-z0-9+.-]+:/+", "/")), s.options());
    }
}
