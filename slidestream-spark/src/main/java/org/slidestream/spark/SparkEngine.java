package org.slidestream.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slidestream.io.AtomicOutput;
import org.slidestream.memory.PeakMemory;
import org.slidestream.pipeline.CohortRunner;
import org.slidestream.pipeline.ProgressListener;
import org.slidestream.pipeline.RunReport;
import org.slidestream.pipeline.SlideStatus;
import org.slidestream.pipeline.StatusTable;
import org.slidestream.pipeline.job.Job;
import org.slidestream.pipeline.job.JobEngine;

/**
 * The {@code spark} engine: the job's slides as one Spark task each
 * ({@code parallelize(slides, slides.size())}), outputs written through the Hadoop FileSystem API,
 * the status rows of all tasks gathered on the driver into {@code status.csv} and
 * {@code status.parquet} in the output root. Uses the running Spark session (spark-submit) or
 * starts one with the job's or the command line's master.
 */
public final class SparkEngine implements JobEngine {
    private static final Logger LOG = LoggerFactory.getLogger(SparkEngine.class);
    public static final String PARQUET = "status.parquet";

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public RunReport run(Job job, ProgressListener listener) throws Exception {
        long start = System.nanoTime();
        SparkSession spark = session(job);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = sc.hadoopConfiguration();
        List<SparkSlide> slides = SparkInputs.resolve(job.inputs(), hadoop);
        Path out = SparkInputs.hadoopPath(job.output());
        FileSystem fs = RemoteFolder.fileSystem(out, hadoop);
        fs.mkdirs(out);
        listener.runStarted(slides.size());
        List<StatusRow> rows = List.of();
        if (!slides.isEmpty()) {
            sc.setJobGroup("slidestream", "slidestream " + job.file() + ": " + slides.size() + " slides", true);
            JavaRDD<SparkSlide> rdd = sc.parallelize(slides, slides.size());
            rows = rdd.map(new SlideFunction(job, new HadoopConf(hadoop))).collect();
        }
        // attempts that Spark killed (speculative copies) may have left their partial copies
        for (SparkSlide s : slides) new RemoteFolder(fs, new Path(out, s.id())).deletePartials(null);
        Map<String, SlideStatus> current = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            SlideStatus st = rows.get(i).status();
            current.put(st.slide(), st);
            listener.slideFinished(SparkInputs.cohortSlide(slides.get(i)), st);
        }
        List<SlideStatus> table = writeStatus(fs, out, current, slides, job.task().countColumn());
        writeParquet(fs, hadoop, out, table, job.task().countColumn());
        RunReport report = new RunReport(List.copyOf(current.values()), Duration.ofNanos(System.nanoTime() - start),
                PeakMemory.peakBytes());
        listener.runFinished(report);
        return report;
    }

    private static SparkSession session(Job job) {
        SparkSession.Builder b = SparkSession.builder().appName("slidestream " + java.nio.file.Path.of(job.file()).getFileName());
        String master = job.spark().master();
        if (master != null) {
            b.master(master);
        } else if (System.getProperty("spark.master") == null) {
            b.master("local[*]"); // not under spark-submit and no master given: this machine
        }
        String effective = master != null ? master : System.getProperty("spark.master", "local[*]");
        if (effective.startsWith("local") && !job.spark().conf().containsKey("spark.ui.enabled")
                && System.getProperty("spark.ui.enabled") == null) {
            b.config("spark.ui.enabled", "false"); // nobody watches a local run's web UI; it costs start-up time
        }
        job.spark().conf().forEach(b::config);
        SparkSession s = b.getOrCreate();
        if (master != null && !master.equals(s.sparkContext().master())) {
            LOG.warn("a Spark session with master {} is running; using it, not {}", s.sparkContext().master(), master);
        }
        return s;
    }

    /** status.csv: rows of earlier runs for slides not in this one, then this run's, written by rename. */
    private static List<SlideStatus> writeStatus(FileSystem fs, Path out, Map<String, SlideStatus> current,
                                                 List<SparkSlide> slides, String countColumn) throws IOException {
        Path csv = new Path(out, CohortRunner.STATUS_FILE);
        java.nio.file.Path tmp = Files.createTempDirectory("slidestream-status");
        try {
            java.nio.file.Path local = tmp.resolve(CohortRunner.STATUS_FILE);
            if (fs.exists(csv)) fs.copyToLocalFile(false, csv, new Path(local.toUri()), true);
            Map<String, SlideStatus> previous = StatusTable.read(local);
            List<SlideStatus> rows = new ArrayList<>();
            for (SlideStatus s : previous.values()) if (!current.containsKey(s.slide())) rows.add(s);
            for (SparkSlide s : slides) if (current.containsKey(s.id())) rows.add(current.get(s.id()));
            StatusTable.write(local, rows, countColumn);
            Path temp = new Path(out, "." + CohortRunner.STATUS_FILE + "." + UUID.randomUUID() + AtomicOutput.SUFFIX);
            try (OutputStream o = fs.create(temp, true)) {
                Files.copy(local, o);
            }
            fs.delete(csv, false);
            if (!fs.rename(temp, csv)) throw new IOException(temp + ": cannot rename to " + csv);
            return rows;
        } finally {
            AtomicOutput.deleteRecursively(tmp);
        }
    }

    /**
     * The same rows as a Parquet file, for querying a large cohort's outcome with Spark SQL or
     * pandas. Written with parquet-hadoop (Spark's own dependency) under a temporary name and
     * renamed, like status.csv; a Spark SQL job would cost the driver seconds of start-up for five columns.
     */
    private static void writeParquet(FileSystem fs, Configuration conf, Path out, List<SlideStatus> rows, String countColumn)
            throws IOException {
        MessageType schema = MessageTypeParser.parseMessageType("message status { required binary slide (UTF8); "
                + "required binary status (UTF8); required binary reason (UTF8); required int64 " + countColumn + "; "
                + "required double seconds; required int64 peak_mb; }");
        Path target = new Path(out, PARQUET);
        Path temp = new Path(out, "." + PARQUET + "." + UUID.randomUUID() + AtomicOutput.SUFFIX);
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try {
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(temp, conf))
                    .withConf(conf).withType(schema).withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
                for (SlideStatus s : rows) {
                    w.write(groups.newGroup().append("slide", s.slide()).append("status", s.state().csvName())
                            .append("reason", s.reason()).append(countColumn, s.count())
                            .append("seconds", Math.round(s.seconds() * 100) / 100.0).append("peak_mb", s.peakMb()));
                }
            }
            fs.delete(target, true);
            if (!fs.rename(temp, target)) throw new IOException(temp + ": cannot rename to " + target);
        } finally {
            fs.delete(temp, false);
        }
    }
}
