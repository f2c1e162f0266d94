package org.slidestream.view.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slidestream.memory.TileCache;
import org.slidestream.pipeline.Failures;
import org.slidestream.view.catalog.Catalog;
import org.slidestream.view.catalog.SlideEntry;
import org.slidestream.view.tile.PyramidReader;

/**
 * The open slides: each opened on first use and kept while in use; beyond {@code maxOpen}, the
 * least recently used idle ones are closed (a cohort of thousands of slides never holds thousands of
 * open files). A slide that fails to open is remembered as failed, with its one-line reason.
 */
public final class SlideViews implements AutoCloseable {
    private final Catalog catalog;
    private final ViewSettings settings;
    private final TileCache blocks;
    private final int maxOpen;
    private final LinkedHashMap<String, Holder> holders = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    public SlideViews(Catalog catalog, ViewSettings settings, TileCache blocks, int maxOpen) {
        this.catalog = catalog;
        this.settings = settings;
        this.blocks = blocks;
        this.maxOpen = Math.max(1, maxOpen);
    }

    private static final class Holder {
        SlideView view;
        String failure;
        int users;
    }

    /** A slide in use: close the lease when done with it. */
    public final class Lease implements AutoCloseable {
        private final String id;
        private final SlideView view;
        private boolean released;

        private Lease(String id, SlideView view) {
            this.id = id;
            this.view = view;
        }

        public SlideView view() { return view; }

        @Override
        public void close() {
            if (!released) {
                released = true;
                release(id);
            }
        }
    }

    /** Thrown for an id that is not in the catalog, or whose slide cannot be opened. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    public Lease acquire(String id) throws Unavailable {
        SlideEntry entry = catalog.slide(id);
        if (entry == null) throw new Unavailable("no slide '" + id + "'");
        if (entry.slide() == null) throw new Unavailable(id + ": no slide file found for this output");
        Holder h;
        synchronized (this) {
            if (closed) throw new Unavailable("the viewer is closing");
            h = holders.computeIfAbsent(id, k -> new Holder());
            h.users++;
        }
        synchronized (h) {
            if (h.view == null && h.failure == null) {
                try {
                    h.view = SlideView.open(entry, settings, blocks);
                } catch (RuntimeException e) {
                    h.failure = Failures.oneLine(e);
                }
            }
        }
        if (h.failure != null) {
            release(id);
            throw new Unavailable(h.failure);
        }
        evictIdle();
        return new Lease(id, h.view);
    }

    private synchronized void release(String id) {
        Holder h = holders.get(id);
        if (h != null) h.users--;
    }

    private void evictIdle() {
        List<SlideView> toClose = new ArrayList<>();
        synchronized (this) {
            int open = 0;
            for (Holder h : holders.values()) if (h.view != null) open++;
            var it = holders.entrySet().iterator();
            while (open > maxOpen && it.hasNext()) {
                Map.Entry<String, Holder> e = it.next();
                Holder h = e.getValue();
                if (h.users == 0 && h.view != null) {
                    toClose.add(h.view);
                    blocks.invalidate(PyramidReader.blocksOf(c -> c.toString().startsWith(e.getKey() + "/")));
                    it.remove();
                    open--;
                }
            }
        }
        toClose.forEach(SlideView::close);
    }

    @Override
    public void close() {
        List<SlideView> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Holder h : holders.values()) if (h.view != null) all.add(h.view);
            holders.clear();
        }
        all.forEach(SlideView::close);
    }
}
