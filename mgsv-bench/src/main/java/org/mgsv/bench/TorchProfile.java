package org.mgsv.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mgsv.core.MgsvException;

/**
 * Where the time of a libtorch run goes, from the profiler's trace (chrome-trace JSON with input shapes, as
 * {@code JniUtils.stopProfile} writes it): self time and calls per operator, and the matrix products' FLOPs
 * (from their recorded shapes) and time, so the GEMM rate and the share of time outside GEMMs can be read off.
 */
public final class TorchProfile {
    /** The operators that do matrix products (leaves: matmul/linear call one of these). */
    static final Set<String> GEMMS = Set.of("aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm");

    /** One operator's totals. */
    public record Op(String name, long calls, double selfMs, double gflop) {}

    /** The summary: every operator by self time, the wall span, GEMM totals and the number of operator calls. */
    public record Summary(List<Op> ops, double spanMs, double gemmMs, double gemmGflop, long calls) {
        public String describe(int top) {
            StringBuilder sb = new StringBuilder();
            double self = 0;
            for (Op o : ops) {
                self += o.selfMs();
            }
            sb.append(String.format(Locale.ROOT, "profile: %,d operator calls, %.0f ms of operator self time; GEMMs %.1f GFLOP"
                    + " in %.0f ms (%.0f%% of operator time, %.1f GFLOP/s inside GEMMs)%n", calls, self, gemmGflop, gemmMs,
                    100 * gemmMs / Math.max(self, 1e-9), gemmGflop / Math.max(gemmMs, 1e-9) * 1e3));
            sb.append(String.format(Locale.ROOT, "%-36s %9s %10s %6s %9s%n", "operator", "calls", "self ms", "share", "GFLOP"));
            for (int i = 0; i < Math.min(top, ops.size()); i++) {
                Op o = ops.get(i);
                sb.append(String.format(Locale.ROOT, "%-36s %9d %10.1f %5.1f%% %9.2f%n", o.name(), o.calls(), o.selfMs(),
                        100 * o.selfMs() / Math.max(self, 1e-9), o.gflop()));
            }
            return sb.toString();
        }

        public Map<String, Object> toMap(int top) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("operator_calls", calls);
            m.put("gemm_gflop", Math.round(gemmGflop * 100) / 100.0);
            m.put("gemm_ms", Math.round(gemmMs));
            List<Map<String, Object>> list = new ArrayList<>();
            for (int i = 0; i < Math.min(top, ops.size()); i++) {
                Op o = ops.get(i);
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("op", o.name());
                x.put("calls", o.calls());
                x.put("self_ms", Math.round(o.selfMs() * 10) / 10.0);
                list.add(x);
            }
            m.put("top_ops", list);
            return m;
        }
    }

    private TorchProfile() {}

    private record Event(String name, double ts, double dur, double gflop) {}

    public static Summary read(Path trace) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(trace.toFile());
        } catch (IOException e) {
            throw new MgsvException(trace + ": not a readable profiler trace (" + e.getMessage() + ")", e);
        }
        JsonNode events = root.isArray() ? root : root.path("traceEvents");
        Map<String, List<Event>> byThread = new HashMap<>();
        double first = Double.MAX_VALUE;
        double last = 0;
        for (JsonNode e : events) {
            if (!"X".equals(e.path("ph").asText())) {
                continue;
            }
            String name = e.path("name").asText();
            double ts = e.path("ts").asDouble();
            double dur = e.path("dur").asDouble();
            first = Math.min(first, ts);
            last = Math.max(last, ts + dur);
            byThread.computeIfAbsent(e.path("tid").asText(), k -> new ArrayList<>())
                    .add(new Event(name, ts, dur, GEMMS.contains(name) ? gemmGflop(name, e.path("shape")) : 0));
        }
        Map<String, double[]> acc = new HashMap<>(); // calls, self µs, gflop
        long calls = 0;
        double gemmUs = 0;
        double gemmGflop = 0;
        for (List<Event> list : byThread.values()) {
            list.sort(Comparator.comparingDouble(Event::ts).thenComparing(Comparator.comparingDouble(Event::dur).reversed()));
            Deque<double[]> stack = new ArrayDeque<>(); // end, child time
            Deque<Event> open = new ArrayDeque<>();
            for (Event ev : list) {
                while (!open.isEmpty() && ev.ts() >= stack.peek()[0]) {
                    close(open.pop(), stack.pop(), acc);
                }
                if (!stack.isEmpty()) {
                    stack.peek()[1] += ev.dur();
                }
                open.push(ev);
                stack.push(new double[] {ev.ts() + ev.dur(), 0});
                calls++;
                if (ev.gflop() > 0) {
                    gemmGflop += ev.gflop();
                }
            }
            while (!open.isEmpty()) {
                close(open.pop(), stack.pop(), acc);
            }
        }
        List<Op> ops = new ArrayList<>();
        for (Map.Entry<String, double[]> en : acc.entrySet()) {
            double[] a = en.getValue();
            ops.add(new Op(en.getKey(), (long) a[0], a[1] / 1e3, a[2]));
            if (GEMMS.contains(en.getKey())) {
                gemmUs += a[1];
            }
        }
        ops.sort(Comparator.comparingDouble(Op::selfMs).reversed());
        return new Summary(ops, first == Double.MAX_VALUE ? 0 : (last - first) / 1e3, gemmUs / 1e3, gemmGflop, calls);
    }

    private static void close(Event ev, double[] frame, Map<String, double[]> acc) {
        double[] a = acc.computeIfAbsent(ev.name(), k -> new double[3]);
        a[0]++;
        a[1] += Math.max(0, ev.dur() - frame[1]);
        a[2] += ev.gflop();
    }

    /** 2·m·k·n (times the batch) from the recorded input shapes of a GEMM operator. */
    static double gemmGflop(String name, JsonNode shape) {
        int first = name.equals("aten::addmm") || name.equals("aten::baddbmm") ? 1 : 0; // the added input comes first
        JsonNode a = shape.path(first);
        JsonNode b = shape.path(first + 1);
        if (!a.isArray() || !b.isArray() || a.size() < 2 || b.size() < 2) {
            return 0;
        }
        double batch = 1;
        for (int i = 0; i < a.size() - 2; i++) {
            batch *= a.get(i).asDouble();
        }
        double m = a.get(a.size() - 2).asDouble();
        double k = a.get(a.size() - 1).asDouble();
        double n = b.get(b.size() - 1).asDouble();
        return 2 * batch * m * k * n / 1e9;
    }
}
