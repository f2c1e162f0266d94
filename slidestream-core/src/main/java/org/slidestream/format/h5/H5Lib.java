package org.slidestream.format.h5;

import static org.bytedeco.hdf5.global.hdf5.*;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongToIntFunction;
import org.bytedeco.hdf5.H5E_error2_t;
import org.bytedeco.hdf5.H5E_walk2_t;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * The one gate to the HDF5 library. The library as shipped is built without thread safety, so
 * every call from every thread goes through {@link #LOCK}; it also initialises the library
 * ({@code H5open}), stops it from printing its error stack, and turns that stack into messages.
 */
final class H5Lib {
    /** Held around every HDF5 call. Reentrant: public methods call each other. */
    static final ReentrantLock LOCK = new ReentrantLock();
    private static boolean initialised;
    private static ErrorWalker walker;
    private static long utf8Type = -1;
    private static long boolType = -1;

    static {
        // JavaCPP refuses native allocations once the process's resident size passes a multiple
        // of the heap size. Our buffers are at most 8 MiB and freed at once, but the process may
        // legitimately hold far more native memory elsewhere (an ONNX model, the page cache of a
        // memory-mapped file), which would make HDF5 writes fail. Unless the user set it, no limit.
        if (System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes") == null
                && System.getProperty("org.bytedeco.javacpp.maxphysicalbytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "0");
        }
    }

    private H5Lib() {}

    /** A block of HDF5 calls, run with the lock held. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws H5Exception;
    }

    /** A block of HDF5 calls that returns nothing. */
    @FunctionalInterface
    interface Action {
        void run() throws H5Exception;
    }

    static <T> T locked(Call<T> call) throws H5Exception {
        LOCK.lock();
        try {
            init();
            return call.run();
        } finally {
            LOCK.unlock();
        }
    }

    static void locked(Action action) throws H5Exception {
        locked(() -> {
            action.run();
            return null;
        });
    }

    private static void init() throws H5Exception {
        if (initialised) return;
        if (H5open() < 0) throw new H5Exception("cannot initialise the HDF5 library");
        // Errors become exceptions with the library's reason; it must not print them itself.
        H5Eset_auto2(H5E_DEFAULT, null, null);
        walker = new ErrorWalker();
        initialised = true;
    }

    /** Throws when an HDF5 call returned a negative status or id. */
    static long check(long result, String what) throws H5Exception {
        if (result < 0) throw new H5Exception(what + reason());
        return result;
    }

    /** The library's innermost error message for the last failure, then clears the stack. */
    private static String reason() {
        walker.deepest = null;
        H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, walker, null);
        H5Eclear2(H5E_DEFAULT);
        return walker.deepest == null || walker.deepest.isBlank() ? "" : " (" + walker.deepest + ")";
    }

    /** Keeps the last description of the stack, which is the most specific one. */
    private static final class ErrorWalker extends H5E_walk2_t {
        String deepest;

        @Override
        public int call(int n, H5E_error2_t err, Pointer data) {
            BytePointer desc = err.desc();
            if (desc != null && !desc.isNull()) {
                String d = desc.getString();
                if (!d.isBlank()) deepest = d;
            }
            return 0;
        }
    }

    /** An HDF5 identifier closed with its kind's close function; close with the lock held. */
    record Hid(long id, LongToIntFunction closer) implements AutoCloseable {
        static Hid of(long id, LongToIntFunction closer, String what) throws H5Exception {
            return new Hid(check(id, what), closer);
        }

        @Override
        public void close() {
            if (id >= 0) closer.applyAsInt(id);
        }
    }

    static Hid space(long id, String what) throws H5Exception {
        return Hid.of(id, s -> H5Sclose(s), what);
    }

    static Hid type(long id, String what) throws H5Exception {
        return Hid.of(id, t -> H5Tclose(t), what);
    }

    static Hid plist(long id, String what) throws H5Exception {
        return Hid.of(id, p -> H5Pclose(p), what);
    }

    static Hid attr(long id, String what) throws H5Exception {
        return Hid.of(id, a -> H5Aclose(a), what);
    }

    /**
     * The variable-length UTF-8 string type of {@link H5Type#STRING}, made once and kept for the
     * life of the process (call with the lock held).
     */
    static long utf8Type() {
        if (utf8Type < 0) {
            long t = H5Tcopy(H5T_C_S1_g());
            H5Tset_size(t, H5T_VARIABLE);
            H5Tset_cset(t, H5T_CSET_UTF8);
            utf8Type = t;
        }
        return utf8Type;
    }

    /**
     * h5py's boolean type ({@link H5Type#BOOL}): an enum over int8 with {@code FALSE = 0} and
     * {@code TRUE = 1}, made once (call with the lock held).
     */
    static long boolType() {
        if (boolType < 0) {
            long t = H5Tenum_create(H5T_NATIVE_INT8_g());
            try (BytePointer v = new BytePointer(1)) {
                v.put(0, (byte) 0);
                H5Tenum_insert(t, "FALSE", v);
                v.put(0, (byte) 1);
                H5Tenum_insert(t, "TRUE", v);
            }
            boolType = t;
        }
        return boolType;
    }

    /** True for an enum type of exactly h5py's two boolean members (call with the lock held). */
    static boolean isBoolEnum(long type) {
        if (H5Tget_class(type) != H5T_ENUM || H5Tget_size(type) != 1 || H5Tget_nmembers(type) != 2) return false;
        for (int i = 0; i < 2; i++) {
            BytePointer name = H5Tget_member_name(type, i);
            if (name == null || name.isNull()) return false;
            String n = name.getString();
            H5free_memory(name);
            try (BytePointer v = new BytePointer(1)) {
                H5Tget_member_value(type, i, v);
                if (!(n.equals("FALSE") && v.get(0) == 0) && !(n.equals("TRUE") && v.get(0) == 1)) return false;
            }
        }
        return true;
    }

    /** A variable-length UTF-8 string type, as h5py writes {@code str}. */
    static Hid utf8StringType() throws H5Exception {
        Hid t = type(H5Tcopy(H5T_C_S1_g()), "copy the string type");
        check(H5Tset_size(t.id(), H5T_VARIABLE), "make a variable-length string type");
        check(H5Tset_cset(t.id(), H5T_CSET_UTF8), "set UTF-8");
        return t;
    }
}
