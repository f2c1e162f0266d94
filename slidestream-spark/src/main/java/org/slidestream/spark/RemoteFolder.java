package org.slidestream.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slidestream.io.AtomicOutput;

/**
 * A slide's output folder on a Hadoop file system (local, HDFS, S3A, ...), worked on through a
 * local copy: a task fetches the outputs already there (so each step can see what is complete),
 * runs the steps locally, then publishes what it made. Each published entry is copied under a
 * name unique to the task attempt ({@code .<name>.<attempt>.partial}) and renamed into place, so
 * a failed, retried or speculative attempt never leaves a partial or a duplicate output: the
 * first complete copy wins and the others are dropped (outputs are deterministic, so they agree).
 */
final class RemoteFolder {
    private final FileSystem fs;
    private final Path dir;

    RemoteFolder(FileSystem fs, Path dir) {
        this.fs = fs;
        this.dir = dir;
    }

    /** A file system for {@code p} that writes no {@code .crc} side files on local disks. */
    static FileSystem fileSystem(Path p, org.apache.hadoop.conf.Configuration conf) throws IOException {
        FileSystem fs = p.getFileSystem(conf);
        fs.setWriteChecksum(false);
        fs.setVerifyChecksum(false);
        return fs;
    }

    /**
     * Copies the complete entries (not hidden ones, which are other attempts' partial copies)
     * into {@code local} (created) and returns their fingerprints by name.
     */
    Map<String, Long> fetch(java.nio.file.Path local) throws IOException {
        Files.createDirectories(local);
        if (!fs.exists(dir)) return Map.of();
        for (FileStatus st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (hidden(name)) continue;
            fs.copyToLocalFile(false, st.getPath(), new Path(local.resolve(name).toUri()), true);
        }
        return fingerprints(local);
    }

    /**
     * Publishes the entries of {@code local} that are new or changed since {@code before}.
     *
     * @param attempt unique to this task attempt
     * @param replace replace outputs that exist (a run with overwrite); otherwise an output that
     *                appeared while this attempt ran is another attempt's, and is kept
     * @return how many entries were renamed into place
     */
    int publish(java.nio.file.Path local, Map<String, Long> before, String attempt, boolean replace) throws IOException {
        Map<String, Long> now = fingerprints(local);
        int published = 0;
        fs.mkdirs(dir);
        for (Map.Entry<String, Long> e : now.entrySet()) {
            String name = e.getKey();
            Long was = before.get(name);
            if (e.getValue().equals(was)) continue;
            Path target = new Path(dir, name);
            Path temp = new Path(dir, "." + name + "." + attempt + AtomicOutput.SUFFIX);
            fs.delete(temp, true);
            try {
                transfer(local.resolve(name), temp);
                if (fs.exists(target)) {
                    if (was == null && !replace) {
                        // another attempt published it while this one ran: keep the first
                        continue;
                    }
                    fs.delete(target, true); // this attempt redid an older output
                }
                if (!fs.rename(temp, target)) {
                    if (!fs.exists(target)) throw new IOException(temp + ": cannot rename to " + target);
                    continue;
                }
                published++;
            } finally {
                fs.delete(temp, true);
            }
        }
        return published;
    }

    /**
     * Puts a local entry at {@code temp}: by renaming it when the output is on the same local file
     * system (thousands of patch files then cost nothing to publish), else by a copy through the
     * file system's API. The local entry is consumed by a rename; publish is the attempt's last use.
     */
    private void transfer(java.nio.file.Path src, Path temp) throws IOException {
        if ("file".equals(fs.getScheme())) {
            java.nio.file.Path dst = java.nio.file.Path.of(fs.makeQualified(temp).toUri());
            try {
                Files.move(src, dst, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                return;
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                // another disk: copy below
            }
        }
        fs.copyFromLocalFile(false, true, new Path(src.toUri()), temp);
    }

    /** Deletes partial copies left in the folder: every one, or only those of {@code attempt}. */
    void deletePartials(String attempt) throws IOException {
        if (!fs.exists(dir)) return;
        for (FileStatus st : fs.listStatus(dir)) {
            String name = st.getPath().getName();
            if (name.startsWith(".") && name.endsWith(AtomicOutput.SUFFIX)
                    && (attempt == null || name.endsWith("." + attempt + AtomicOutput.SUFFIX))) {
                fs.delete(st.getPath(), true);
            }
        }
    }

    static boolean hidden(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    /** Size and modification time of each visible entry (folders: of everything under them). */
    static Map<String, Long> fingerprints(java.nio.file.Path local) throws IOException {
        Map<String, Long> out = new HashMap<>();
        if (!Files.isDirectory(local)) return out;
        try (Stream<java.nio.file.Path> top = Files.list(local)) {
            for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) top::iterator) {
                String name = p.getFileName().toString();
                if (hidden(name)) continue;
                long h = 17;
                try (Stream<java.nio.file.Path> all = Files.walk(p)) {
                    for (java.nio.file.Path q : (Iterable<java.nio.file.Path>) all.sorted()::iterator) {
                        BasicFileAttributes a = Files.readAttributes(q, BasicFileAttributes.class);
                        h = h * 31 + p.relativize(q).toString().hashCode();
                        h = h * 31 + (a.isDirectory() ? -1 : a.size());
                        h = h * 31 + a.lastModifiedTime().toMillis();
                    }
                }
                out.put(name, h);
            }
        }
        return out;
    }
}
