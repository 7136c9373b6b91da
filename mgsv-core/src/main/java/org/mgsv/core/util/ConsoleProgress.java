package org.mgsv.core.util;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A terminal progress bar with rate and ETA, for long work (packing, extracting, training, evaluating).
 * Writes to stderr; on a terminal it redraws one line, otherwise (CI logs, pipes) it prints a line at most
 * every {@code logEverySeconds}. An optional suffix supplier adds live figures such as running losses.
 *
 * <pre>{@code
 * try (ConsoleProgress bar = new ConsoleProgress("pack", total)) {
 *     for (...) { work(); bar.step(); }
 * }
 * }</pre>
 */
public final class ConsoleProgress implements AutoCloseable {
    private static final int WIDTH = 28;

    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private final double logEverySeconds;
    private Supplier<String> suffix = () -> "";
    private long done;
    private long lastDrawNanos;
    private boolean closed;

    public ConsoleProgress(String label, long total) {
        this(label, total, System.err, System.console() != null, 10.0);
    }

    public ConsoleProgress(String label, long total, PrintStream out, boolean interactive, double logEverySeconds) {
        this.label = label;
        this.total = Math.max(0, total);
        this.out = out;
        this.interactive = interactive;
        this.logEverySeconds = logEverySeconds;
        this.lastDrawNanos = startNanos;
    }

    /** Live figures appended to the bar (e.g. {@code "loss 1.234"}). */
    public ConsoleProgress suffix(Supplier<String> s) {
        this.suffix = s;
        return this;
    }

    public void step() {
        step(1);
    }

    public synchronized void step(long n) {
        done += n;
        long now = System.nanoTime();
        double sinceDraw = (now - lastDrawNanos) / 1e9;
        if ((interactive && sinceDraw >= 0.1) || sinceDraw >= logEverySeconds || done == total) {
            lastDrawNanos = now;
            draw(now, done >= total);
        }
    }

    public synchronized long done() {
        return done;
    }

    /** The line as it would be drawn now (exposed for tests). */
    public synchronized String render() {
        return line(System.nanoTime());
    }

    private String line(long now) {
        double elapsed = (now - startNanos) / 1e9;
        double frac = total == 0 ? 1.0 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(frac * WIDTH);
        StringBuilder sb = new StringBuilder();
        sb.append(label).append(" [");
        for (int i = 0; i < WIDTH; i++) {
            sb.append(i < filled ? '#' : '.');
        }
        sb.append("] ").append(done).append('/').append(total);
        sb.append(String.format(Locale.ROOT, " %3.0f%%", frac * 100));
        double rate = elapsed > 0 ? done / elapsed : 0;
        sb.append(String.format(Locale.ROOT, " %.1f/s", rate));
        sb.append(" elapsed ").append(formatDuration(elapsed));
        if (done < total && rate > 0) {
            sb.append(" ETA ").append(formatDuration((total - done) / rate));
        }
        String s = suffix.get();
        if (s != null && !s.isEmpty()) {
            sb.append("  ").append(s);
        }
        return sb.toString();
    }

    private void draw(long now, boolean last) {
        String l = line(now);
        if (interactive) {
            out.print("\r" + l + "\u001b[K");
            if (last) {
                out.println();
            }
        } else {
            out.println(l);
        }
        out.flush();
    }

    /** Formats seconds as {@code 1h02m}, {@code 3m05s} or {@code 12.3s}. */
    public static String formatDuration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%.1fs", seconds);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (done < total || !interactive) {
            if (done < total) {
                draw(System.nanoTime(), true);
                if (interactive) {
                    return;
                }
            }
        }
    }
}
